import { describe, expect, it } from 'vitest';
import { localTime } from '../../../cli/commands/proposals';

describe('proposals status', () => {
  it('shows due dates and history times in the competition time zone, not UTC', () => {
    // 16:59:59 UTC is one second before midnight in WIB (UTC+7) and the next day in WITA (UTC+8).
    expect(localTime('Asia/Jakarta')('2025-07-14T16:59:59.000Z')).toBe('2025-07-14 23:59:59');
    expect(localTime('Asia/Makassar')('2025-07-14T16:59:59.000Z')).toBe('2025-07-15 00:59:59');
    expect(localTime('Asia/Jayapura')('2025-07-14T14:59:59.000Z')).toBe('2025-07-14 23:59:59');
  });
});
