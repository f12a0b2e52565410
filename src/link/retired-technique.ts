import type { AttackTagClass } from '../attack/attack-catalog.ts';
import type { IssueCode } from '../model/issue.ts';

/**
 * The warning a tag naming a revoked or deprecated technique gets, wherever it is written (a rule's tags, a
 * playbook's): the same words, so `atc check --strict` treats both alike. Undefined for any other tag.
 */
export function retiredTechniqueIssue(found: AttackTagClass, version: string): { readonly code: IssueCode; readonly message: string } | undefined {
  if (found.kind === 'deprecated-technique') {
    return { code: 'deprecated-attack-technique', message: `${found.technique.id} (${found.technique.name}) is deprecated in ATT&CK ${version}` };
  }
  if (found.kind === 'revoked-technique') {
    const replacement = found.replacement
      ? `; use ${found.replacement.id} (${found.replacement.name})${found.replacementBasis === 'same-name' ? ', the live technique of the same name' : ''}`
      : '';
    return { code: 'revoked-attack-technique', message: `${found.technique.id} (${found.technique.name}) is revoked in ATT&CK ${version}${replacement}` };
  }
  return undefined;
}
