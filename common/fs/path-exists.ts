import { stat } from 'node:fs/promises';

/** Whether something is at the path; errors other than "no such file" (permissions…) propagate. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
