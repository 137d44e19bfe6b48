/**
 * Turns zod's issues into Graph's `error.details`: one entry per offending property, named by its path.
 */
import type { z } from 'zod';
import { BadRequestError, type ErrorDetail } from '../errors';

function targetOf(path: readonly PropertyKey[]): string {
  return path.map((part) => String(part)).join('.');
}

function join(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

/** Maps zod issues (parsed with `reportInput: true`) to details; `typeName` names the type for unknown keys. */
export function issuesToDetails(issues: readonly z.core.$ZodIssue[], typeName: string): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const issue of issues) {
    const target = targetOf(issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        details.push({
          code: 'unknownProperty',
          target: join(target, key),
          message: `The property '${key}' does not exist on type '${typeName}'. Make sure to only use property names that are defined by the type.`,
        });
      }
    } else if (!('input' in issue) || issue.input === undefined) {
      details.push({ code: 'missingProperty', target, message: `The property '${target}' is required.` });
    } else {
      details.push({ code: 'invalidValue', target, message: issue.message });
    }
  }
  return details;
}

/** Keeps the first detail for each target, so a property is never reported twice. */
export function uniqueDetails(details: readonly ErrorDetail[]): ErrorDetail[] {
  const seen = new Set<string>();
  return details.filter((detail) => {
    if (seen.has(detail.target)) return false;
    seen.add(detail.target);
    return true;
  });
}

export function invalidBody(details: readonly ErrorDetail[]): BadRequestError {
  const unique = uniqueDetails(details);
  const names = unique.map((detail) => detail.target).join(', ');
  return new BadRequestError(`Invalid request body: ${names}.`, unique);
}

/** Parses `value` with `schema` or throws a 400 naming every offending property. */
export function parseBody<T extends z.ZodType>(schema: T, value: unknown, typeName: string): z.output<T> {
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) throw invalidBody(issuesToDetails(result.error.issues, typeName));
  return result.data;
}
