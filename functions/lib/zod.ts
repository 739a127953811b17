/**
 * zod for every schema of the project: zod/mini, the tree-shakable zod 4 (a bundle carries only the schemas and
 * checks it uses), with the English messages classic zod registers by itself, so the messages users see read the
 * same ("Too small: expected string to have >=1 characters", "Invalid email address", ...).
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());

// Imported as a namespace (`import * as z from './zod'`): bundlers keep only the members a file uses, where a
// namespace object handed around as a value would carry all of zod, every locale included.
export * from 'zod/mini';
