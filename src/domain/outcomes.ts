/**
 * The one vocabulary in which repositories answer conditional writes. A repository never throws a
 * service error: it reports what it found, inside the transaction that decided it, and the service turns
 * anything but `done` into a domain error (NotFoundError, VersionConflictError, NameTakenError, …).
 * Each port method names the outcomes it can give, e.g. `Promise<Done<Section> | NotFound | VersionConflict>`.
 */

/** The write happened; `value` is what it produced (the row as written), when the caller needs it. */
export interface Done<T = void> {
  kind: 'done';
  value: T;
}

/** The row to change (or one it depends on, such as a section named by the write) is not there, or not in this tenant. */
export interface NotFound {
  kind: 'not_found';
}

/** The row is at another version than the write expected; nothing was written. */
export interface VersionConflict {
  kind: 'version_conflict';
  currentVersion: number;
}

/** Another row of the same scope already has the unique name the write wanted. */
export interface NameTaken {
  kind: 'name_taken';
}

/** The one-time transition the write asks for has already happened (claimed, delivered, bootstrapped). */
export interface AlreadyDone {
  kind: 'already_done';
}

export type Outcome<T = void> = Done<T> | NotFound | VersionConflict | NameTaken | AlreadyDone;

export function done(): Done;
export function done<T>(value: T): Done<T>;
export function done<T>(value?: T): Done<T | undefined> {
  return { kind: 'done', value };
}

export const NOT_FOUND: NotFound = Object.freeze({ kind: 'not_found' });
export const NAME_TAKEN: NameTaken = Object.freeze({ kind: 'name_taken' });
export const ALREADY_DONE: AlreadyDone = Object.freeze({ kind: 'already_done' });

export function versionConflict(currentVersion: number): VersionConflict {
  return { kind: 'version_conflict', currentVersion };
}
