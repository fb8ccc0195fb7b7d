import { Fn } from '../core/cdktf';

/**
 * Deletion settings of a database (RDS instance or Aurora cluster). Protected: deletion
 * protection, prevent_destroy and a final snapshot whose identifier carries the time the
 * database was created (fixed by ignore_changes, so it is computed once, at create, and
 * never shows in a later plan). A fixed identifier would make the second replacement of the
 * same database fail, its final snapshot name being taken by the first one's. Unprotected
 * (dev): no final snapshot, so the environment can be destroyed and rebuilt the same day.
 */
export function deletionSettings(
  protect: boolean,
  name: string,
): {
  deletionProtection: boolean;
  skipFinalSnapshot: boolean;
  finalSnapshotIdentifier?: string;
  lifecycle?: { preventDestroy: boolean; ignoreChanges: string[] };
} {
  if (!protect) return { deletionProtection: false, skipFinalSnapshot: true };
  return {
    deletionProtection: true,
    skipFinalSnapshot: false,
    finalSnapshotIdentifier: `${name}-final-${Fn.formatdate('YYYYMMDDhhmmss', Fn.timestamp())}`,
    lifecycle: { preventDestroy: true, ignoreChanges: ['final_snapshot_identifier'] },
  };
}
