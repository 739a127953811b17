import type { Params } from './messages';
import type { IssueCode } from './types';

/**
 * A document that cannot be read further. Parsers throw it; validateDocument turns it into an issue, so
 * it never escapes to callers.
 */
export class DocumentRejected extends Error {
  override name = 'DocumentRejected' as const;
  constructor(
    readonly code: IssueCode,
    readonly params: Params = {},
  ) {
    super(`${code} ${JSON.stringify(params)}`);
  }
}
