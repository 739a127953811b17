/**
 * zod for every schema of the project: zod/mini, the tree-shakable zod 4 (a bundle carries only the schemas and
 * checks it uses), with the English messages classic zod registers by itself, so the messages users see read the
 * same ("Too small: expected string to have >=1 characters", "Invalid email address", ...).
 *
 * Import it as a namespace (`import * as z from './zod'`). The members are listed rather than `export *`: a bundle
 * split into chunks (the CLI's) materializes the namespace object of a shared module, which for all of zod/mini
 * would be all of zod, every locale included; add a member here when a schema needs one more.
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());

export type { core, infer, ZodMiniType } from 'zod/mini';
export {
  _default,
  array,
  boolean,
  discriminatedUnion,
  email,
  enum,
  gte,
  int,
  iso,
  literal,
  looseObject,
  lte,
  maxLength,
  minimum,
  minLength,
  nonnegative,
  nullish,
  number,
  object,
  optional,
  pipe,
  positive,
  prettifyError,
  record,
  refine,
  regex,
  strictObject,
  string,
  superRefine,
  transform,
  trim,
  union,
  url,
} from 'zod/mini';
