import type { z } from 'zod';
import { InvalidInputError } from './errors.js';

/** Parses with zod; the first issue becomes an InvalidInputError naming its field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.') || undefined;
  throw new InvalidInputError(field ? `${field}: ${issue.message}` : issue.message, field);
}
