import { readFileSync } from 'node:fs';
import { projectPath } from './project-root.ts';

export const serverVersion: string = (JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string }).version;
