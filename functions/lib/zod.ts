/**
 * zod for every schema of the project: zod/mini, the tree-shakable zod 4 (a bundle carries only the schemas and
 * checks it uses), with the English messages classic zod registers by itself, so the messages users see read the
 * same ("Too small: expected string to have >=1 characters", "Invalid email address", ...).
 */
import { en } from 'zod/locales';
import { z } from 'zod/mini';

z.config(en());

export { z };
