export async function simCli(_argv: string[]): Promise<number> {
  throw new Error('not built yet');
}
