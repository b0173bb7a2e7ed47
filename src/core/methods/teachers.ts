// Loading a run's frozen models by role, in one place for the page's worker and the CLI, so both
// hand a method the same models and report the same reference rows. Each caller says only how a
// role's model is read (IndexedDB or static files in the page, a folder on the command line).

import type { Restorer } from '../models/restorer';
import { TEACHER_ROLES, type MethodInfo, type TeacherRole, type TeacherSet } from './method';

/** The role whose model is scored as every run's "teacher" reference line, used or not. */
export const REFERENCE_ROLE: TeacherRole = 'restorer';

/**
 * Loads the roles the method needs (a failure is the caller's error) and the reference restorer
 * when it can (a failure is a note: the run goes on without that reference line). Each role is
 * read by `load` under its shipped model's name, or, for the restorer, under `restorer` when given
 * (the model picked in the page, the CLI's --teacher).
 */
export async function loadTeachers(
  method: Pick<MethodInfo, 'teachers'>,
  load: (model: string) => Promise<Restorer>,
  restorer?: string,
): Promise<{ teachers: TeacherSet; notes: string[] }> {
  const teachers: Partial<Record<TeacherRole, Restorer>> = {};
  const notes: string[] = [];
  try {
    for (const role of new Set([...method.teachers, REFERENCE_ROLE])) {
      const required = method.teachers.includes(role);
      try {
        teachers[role] = await load(role === 'restorer' && restorer !== undefined ? restorer : TEACHER_ROLES[role].shippedModel);
      } catch (e) {
        if (required) throw e;
        notes.push(`${e instanceof Error ? e.message : String(e)}; running without a ${TEACHER_ROLES[role].label} reference`);
      }
    }
  } catch (e) {
    disposeTeachers(teachers);
    throw e;
  }
  return { teachers, notes };
}

export function disposeTeachers(teachers: TeacherSet): void {
  for (const model of Object.values(teachers)) model?.dispose();
}
