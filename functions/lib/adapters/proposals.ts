import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { INDEXES } from '../contract';
import { InvalidTransitionError, isConditionalFailure, TransientError } from '../errors';
import {
  type HistoryEntry,
  keys,
  PROPOSAL_STATUSES,
  type Proposal,
  type ProposalStatus,
  type ReviewTask,
} from '../model';

/** Everything about one proposal that people ask for: the item, its reviews and its history. */
export interface ProposalView extends Proposal {
  reviews: ReviewTask[];
  history: HistoryEntry[];
}

/** What an upload brings: the object, the agency its key names and what the agency registry says of it. */
export type NewProposal = Pick<
  Proposal,
  | 'id'
  | 'bucket'
  | 'key'
  | 'versionId'
  | 'etag'
  | 'size'
  | 'agency'
  | 'agencyName'
  | 'agencyAliases'
  | 'parentGovernment'
  | 'province'
  | 'regency'
  | 'agencyKind'
>;

const stripKeys = <T>(item: Record<string, unknown>): T => {
  const { PK, SK, GSI1PK, GSI1SK, GSI2PK, GSI2SK, ...rest } = item;
  return rest as T;
};

/**
 * Proposal state in DynamoDB. Every status change is one transaction: the META item (guarded by its sequence
 * number, so concurrent writers cannot interleave) and a history event.
 */
export class ProposalStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Registers a new upload as RECEIVED (or directly in `status` with `reason`, e.g. REJECTED for an unusable key).
   * Idempotent: registering the same id again returns the stored proposal and `created: false`.
   */
  async register(
    input: NewProposal,
    status: ProposalStatus = 'RECEIVED',
    reason = 'Upload received',
  ): Promise<{ proposal: Proposal; created: boolean }> {
    const at = this.clock().toISOString();
    const proposal: Proposal = { ...input, status, reason, receivedAt: at, updatedAt: at, seq: 1 };
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: {
                  ...keys.proposal(input.id),
                  ...keys.statusListing(status, at, input.id),
                  ...keys.agencyProposals(input.agency, at, input.id),
                  ...proposal,
                },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: { ...keys.event(input.id, at, 1), at, status, note: reason },
              },
            },
          ],
        }),
      );
      return { proposal, created: true };
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      const existing = await this.get(input.id);
      if (!existing) throw error;
      return { proposal: existing, created: false };
    }
  }

  async get(id: string): Promise<Proposal | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.proposal(id), ConsistentRead: true }),
    );
    return out.Item ? stripKeys<Proposal>(out.Item) : undefined;
  }

  async require(id: string): Promise<Proposal> {
    const proposal = await this.get(id);
    if (!proposal) throw new Error(`Proposal ${id} does not exist`);
    return proposal;
  }

  /**
   * Moves a proposal to `to`, recording `note` as the reason and in the history, and setting `fields`.
   * `from` lists the statuses the move is allowed from; a proposal already in `to` with the same note is left
   * alone (a retried Lambda does not write the history twice).
   */
  async transition(
    id: string,
    target: ProposalStatus,
    note: string,
    options: {
      from?: readonly ProposalStatus[];
      fields?: Partial<Proposal>;
      remove?: (keyof Proposal)[];
      /** Record `note` in the history only; the proposal keeps the reason it has (used by `note`). */
      keepReason?: boolean;
      /** Keep whatever status the proposal has when the write happens (`target` is ignored; used by `note`). */
      keepStatus?: boolean;
      /**
       * The proposal as this caller last read or wrote it: the first attempt writes against it instead of reading
       * it again. A stale one costs one refused write and a read (the sequence number guards the write), never a
       * wrong one; the rules are only ever enforced on a fresh read.
       */
      current?: Proposal;
    } = {},
  ): Promise<Proposal> {
    // The caller's copy serves the first attempt's write only; every later attempt reads (a note must never write
    // back a status the proposal has since left), and only a fresh read may end the call without a write.
    let known = options.current;
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = known ?? (await this.require(id));
      const fresh = known === undefined;
      known = undefined;
      const to = options.keepStatus ? current.status : target;
      const allowed = !options.from || options.from.includes(current.status);
      // A field already holding the same (primitive) value changes nothing: a retried move is still a no-op.
      const sameFields = Object.entries(options.fields ?? {}).every(
        ([name, value]) => value === undefined || current[name as keyof Proposal] === value,
      );
      // A note (keepReason) is always written.
      const unchanged = !options.keepReason && current.status === to && current.reason === note && sameFields;
      if (!fresh && (unchanged || !allowed)) {
        attempt -= 1; // not an attempt: the rules are checked again on what the table says now
        continue;
      }
      if (unchanged) return current;
      if (!allowed) {
        if (current.status === to) return current;
        throw new InvalidTransitionError(
          `Proposal ${id} is ${current.status}; it cannot become ${to} (allowed from ${options.from?.join(', ')})`,
        );
      }
      const at = this.clock().toISOString();
      const seq = current.seq + 1;
      const given = Object.fromEntries(
        Object.entries(options.fields ?? {}).filter(([, v]) => v !== undefined),
      );
      const fields: Record<string, unknown> = {
        ...given,
        status: to,
        reason: options.keepReason ? current.reason : note,
        updatedAt: at,
        seq,
        ...keys.statusListing(to, current.receivedAt, id),
      };
      const names: Record<string, string> = { '#seq': 'seq' };
      const values: Record<string, unknown> = { ':expected': current.seq };
      const sets = Object.entries(fields).map(([name, value], i) => {
        names[`#f${i}`] = name;
        values[`:v${i}`] = value;
        return `#f${i} = :v${i}`;
      });
      const removes = (options.remove ?? []).map((name, i) => {
        names[`#r${i}`] = name;
        return `#r${i}`;
      });
      try {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.table,
                  Key: keys.proposal(id),
                  UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
                  ConditionExpression: '#seq = :expected',
                  ExpressionAttributeNames: names,
                  ExpressionAttributeValues: values,
                },
              },
              { Put: { TableName: this.table, Item: { ...keys.event(id, at, seq), at, status: to, note } } },
            ],
          }),
        );
        // The proposal as `get` reads it: the listing keys stay in the table.
        const { GSI2PK: _listing, GSI2SK: _order, ...changed } = fields;
        return { ...current, ...(changed as Partial<Proposal>), status: to, updatedAt: at, seq };
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
        // Another writer moved the proposal in between: read again and re-check the rules.
      }
    }
    // Retried by the state machine, with jitter, like any passing cause.
    throw new TransientError(`Proposal ${id} kept changing; giving up for now`);
  }

  /** Sets fields that are not part of the journey (no status change, no history entry). */
  async setFields(id: string, fields: Partial<Proposal>): Promise<void> {
    const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.proposal(id),
        UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#f${i}`, name])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value])),
      }),
    );
  }

  /**
   * Claims the right to send one notification (`key`, e.g. `result:submitter`) for a proposal: true the first
   * time, false when it was already sent. With `releaseNotification` on failure, a retried Lambda sends each email
   * at most once.
   */
  async claimNotification(id: string, key: string): Promise<boolean> {
    try {
      await this.doc.send(this.claimCommand(id, key));
      return true;
    } catch (error) {
      if (isConditionalFailure(error)) return false;
      throw error;
    }
  }

  /**
   * `claimNotification` that also reads the proposal: the claim's write returns it, so a notice about to be sent
   * needs no read of its own. `claimed` is false when it was sent already (then the proposal is read).
   */
  async claimNotificationReading(id: string, key: string): Promise<{ proposal: Proposal; claimed: boolean }> {
    try {
      const out = await this.doc.send(this.claimCommand(id, key, 'ALL_NEW'));
      return { proposal: stripKeys<Proposal>(out.Attributes ?? {}), claimed: true };
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      // Sent already (a retry), or no such proposal (`require` says so).
      return { proposal: await this.require(id), claimed: false };
    }
  }

  /** The write that claims notification `key`: refused when the proposal is missing or the claim is held. */
  private claimCommand(id: string, key: string, returnValues?: 'ALL_NEW'): UpdateCommand {
    return new UpdateCommand({
      TableName: this.table,
      Key: keys.proposal(id),
      UpdateExpression: 'SET #sent = :now',
      ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(#sent)',
      ExpressionAttributeNames: { '#sent': `notified:${key}` },
      ExpressionAttributeValues: { ':now': this.clock().toISOString() },
      ...(returnValues ? { ReturnValues: returnValues } : {}),
    });
  }

  async releaseNotification(id: string, key: string): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.proposal(id),
          UpdateExpression: 'REMOVE #sent',
          ExpressionAttributeNames: { '#sent': `notified:${key}` },
        }),
      )
      .catch(() => {});
  }

  /**
   * Adds a history entry without changing the status (e.g. "submitter notified"); `current` as in `transition`.
   * Returns the proposal as written.
   */
  async note(id: string, note: string, current?: Proposal): Promise<Proposal> {
    return this.transition(id, 'RECEIVED', note, { keepStatus: true, keepReason: true, current });
  }

  /**
   * A history line about one review task (e.g. "review task sent") that leaves the proposal item alone: no
   * sequence number, so the tasks of one proposal, sent at once, never contend for it. It carries the status
   * the caller read (`proposal`), as the tasks' closing lines do.
   */
  async taskNote(proposal: Pick<Proposal, 'id' | 'status'>, reviewerId: string, note: string): Promise<void> {
    const at = this.clock().toISOString();
    await this.putLine({ ...keys.taskEvent(proposal.id, at, reviewerId), at, status: proposal.status, note });
  }

  /**
   * A history line about one of the submitter's notices (`notice`, e.g. `received:submitter`: told, or why not),
   * written as a task's line is: the proposal item and its sequence number are left alone.
   */
  async noticeNote(proposal: Pick<Proposal, 'id' | 'status'>, notice: string, note: string): Promise<void> {
    const at = this.clock().toISOString();
    await this.putLine({ ...keys.noticeEvent(proposal.id, at, notice), at, status: proposal.status, note });
  }

  private async putLine(item: Record<string, unknown>): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(SK)' }),
    );
  }

  async history(id: string): Promise<HistoryEntry[]> {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': `PROPOSAL#${id}`, ':sk': 'EVENT#' },
    });
    return items.map((item) => ({
      at: item.at as string,
      status: item.status as ProposalStatus,
      note: item.note as string,
    }));
  }

  async reviews(id: string): Promise<ReviewTask[]> {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': `PROPOSAL#${id}`, ':sk': 'REVIEW#' },
      ConsistentRead: true,
    });
    return items.map((item) => stripKeys<ReviewTask>(item));
  }

  async view(id: string): Promise<ProposalView | undefined> {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': `PROPOSAL#${id}` },
      ConsistentRead: true,
    });
    const meta = items.find((item) => item.SK === 'META');
    if (!meta) return undefined;
    return {
      ...stripKeys<Proposal>(meta),
      reviews: items
        .filter((item) => String(item.SK).startsWith('REVIEW#'))
        .map((i) => stripKeys<ReviewTask>(i)),
      history: items
        .filter((item) => String(item.SK).startsWith('EVENT#'))
        .map((item) => ({
          at: item.at as string,
          status: item.status as ProposalStatus,
          note: item.note as string,
        })),
    };
  }

  /** Proposals in one status (oldest first), or in every status when none is given. */
  async list(status?: ProposalStatus): Promise<Proposal[]> {
    const statuses = status ? [status] : PROPOSAL_STATUSES;
    const all: Proposal[] = [];
    for (const s of statuses) {
      const items = await this.queryAll({
        TableName: this.table,
        IndexName: INDEXES.listings,
        KeyConditionExpression: 'GSI2PK = :pk',
        ExpressionAttributeValues: { ':pk': `STATUS#${s}` },
      });
      all.push(...items.map((item) => stripKeys<Proposal>(item)));
    }
    return all.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.id.localeCompare(b.id));
  }

  /** An agency's proposals, newest first (the portal's list). */
  async listByAgency(agency: string): Promise<Proposal[]> {
    const items = await this.queryAll({
      TableName: this.table,
      IndexName: INDEXES.byReviewer,
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': `AGENCY#${agency}` },
      ScanIndexForward: false,
    });
    return items.map((item) => stripKeys<Proposal>(item));
  }

  /**
   * Links a portal resubmission to the REJECTED proposal it replaces, once: the old proposal gets `replacedBy`
   * (only while it is REJECTED, of the same agency and not replaced yet) and both histories say so. Returns
   * why it could not when it could not.
   */
  async linkReplacement(
    replaced: string,
    by: Proposal,
  ): Promise<{ ok: true } | { ok: false; reason: string }> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.proposal(replaced),
          UpdateExpression: 'SET replacedBy = :by',
          ConditionExpression:
            'attribute_exists(PK) AND agency = :agency AND #status = :rejected AND attribute_not_exists(replacedBy)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':by': by.id, ':agency': by.agency, ':rejected': 'REJECTED' },
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      const old = await this.get(replaced);
      if (old?.replacedBy !== by.id) return this.whyNotReplaced(replaced, old, by);
    }
    // A retried intake finds the link made and finishes what the first attempt may not have written.
    if (by.replaces !== replaced) {
      await this.note(replaced, `Replaced by the fixed file of proposal ${by.id}`);
      await this.setFields(by.id, { replaces: replaced });
    }
    return { ok: true };
  }

  private whyNotReplaced(
    replaced: string,
    old: Proposal | undefined,
    by: Proposal,
  ): { ok: false; reason: string } {
    if (!old || old.agency !== by.agency)
      return { ok: false, reason: `proposal ${replaced} is not one of this agency's` };
    if (old.replacedBy)
      return { ok: false, reason: `proposal ${replaced} was already replaced by ${old.replacedBy}` };
    return { ok: false, reason: `proposal ${replaced} is ${old.status}, not REJECTED` };
  }

  private async queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
      items.push(...((out.Items ?? []) as Record<string, unknown>[]));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
