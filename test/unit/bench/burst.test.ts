import { describe, expect, it } from 'vitest';
import { requestsPerProposal } from '../../../bench/burst';

describe("the burst's request count", () => {
  it('gives each service per proposal, busiest first, with its operations busiest first', () => {
    const lines = requestsPerProposal(
      {
        'sesv2 POST': 32,
        'dynamodb GetItem': 90,
        'dynamodb TransactWriteItems': 120,
        'sfn StartExecution': 10,
        'dynamodb PutItem': 5,
      },
      10,
    );

    expect(lines).toEqual([
      'dynamodb 21.50 (TransactWriteItems 12.00, GetItem 9.00, PutItem 0.50)',
      'sesv2 3.20 (POST 3.20)',
      'sfn 1.00 (StartExecution 1.00)',
    ]);
  });
});
