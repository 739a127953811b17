/** What a proposal records of its registered agency, and the agency the Instansi check reads back from it. */
import { describe, expect, it } from 'vitest';
import { proposalAgencyFields, registeredIdentity } from '../../../functions/lib/agencies/proposal';
import type { Agency } from '../../../functions/lib/agencies/schema';
import { institutionBelongs } from '../../../functions/lib/validation/eligibility';

const DEPOK: Agency = {
  code: 'pemkot-depok',
  name: 'Pemerintah Kota Depok',
  aliases: ['Pemkot Depok'],
  parent: 'Pemerintah Kota Depok',
  province: 'Jawa Barat',
  regency: 'Kota Depok',
  kind: 'city',
  contacts: ['inovasi@depok.example.go.id'],
  language: 'id',
};

describe('the agency a proposal records', () => {
  it('keeps what the Instansi check needs and no contact address', () => {
    const fields = proposalAgencyFields(DEPOK);
    expect(fields).toEqual({
      agencyName: 'Pemerintah Kota Depok',
      agencyAliases: ['Pemkot Depok'],
      parentGovernment: 'Pemerintah Kota Depok',
      province: 'Jawa Barat',
      regency: 'Kota Depok',
      agencyKind: 'city',
    });
    expect(JSON.stringify(fields)).not.toContain('@');
  });

  it('reads back an identity that judges an Instansi as the registry entry does', () => {
    const identity = registeredIdentity({ agency: 'pemkot-depok', ...proposalAgencyFields(DEPOK) });
    for (const written of ['Pemkot Depok', 'Dinas Kesehatan Kota Depok', 'Pemerintah Kota Bogor']) {
      expect(identity && institutionBelongs(written, identity)).toBe(institutionBelongs(written, DEPOK));
    }
  });

  it('reads back nothing for an agency that was not registered, or whose name was not recorded', () => {
    expect(
      registeredIdentity({ agency: 'pemkot-depok', ...proposalAgencyFields(undefined) }),
    ).toBeUndefined();
    const { agencyName: _name, ...older } = proposalAgencyFields(DEPOK);
    expect(registeredIdentity({ agency: 'pemkot-depok', ...older })).toBeUndefined();
  });
});
