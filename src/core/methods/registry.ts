// Every method, by id. Adding a method: write its file (a MethodDefinition) and add one line here.

import { d4irMethod } from './d4ir';
import { dckdMethod } from './dckd';
import { dflMethod } from './dfl';
import { kdMethod } from './kd';
import type { MethodDefinition, MethodInfo } from './method';
import { scratchMethod } from './scratch';
import { slkdMethod } from './slkd';
import { tripledMethod } from './tripled';
import type { ParamTable } from '../run/params';

export const METHODS: readonly MethodDefinition[] = [scratchMethod, kdMethod, dflMethod, d4irMethod, dckdMethod, slkdMethod, tripledMethod];

export const METHOD_IDS: readonly string[] = METHODS.map((m) => m.id);

export function findMethod(id: string): MethodDefinition | undefined {
  return METHODS.find((m) => m.id === id);
}

export function getMethod(id: string): MethodDefinition {
  const m = findMethod(id);
  if (!m) throw new RangeError(`unknown method "${id}" (expected one of ${METHOD_IDS.join(', ')})`);
  return m;
}

/** A method's facts and option table as plain data (no functions): what a worker posts to the page. */
export type MethodCatalogItem = MethodInfo & { options: ParamTable };

export function methodCatalog(): MethodCatalogItem[] {
  return METHODS.map(({ create: _create, ...rest }) => {
    void _create;
    return structuredClone(rest);
  });
}
