import type { AttackTactic } from '../attack/attack-catalog.ts';
import type { KnowledgeBase } from '../link/knowledge-base.ts';
import type { DetectionRule } from '../model/detection-rule.ts';

/** The keys `atc layer --filter key=value` understands; the README documents each. */
export const FILTER_KEYS = ['tactic', 'technique', 'level', 'status', 'product', 'category', 'service', 'data-needed', 'target'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

/** One `key=value[,value...]`: a rule passes when it matches any of the values. Filters of different keys all apply. */
export interface RuleFilter {
  readonly key: FilterKey;
  readonly values: readonly string[];
}

/** Parses `key=value[,value...]`; a string result is the error message. */
export function parseRuleFilter(text: string): RuleFilter | string {
  const match = /^([a-z-]+)=(.*)$/s.exec(text.trim());
  if (!match) return `"${text}" is not a filter; expected key=value, e.g. level=high or product=windows`;
  const key = match[1] as FilterKey;
  if (!FILTER_KEYS.includes(key)) return `unknown filter key "${match[1]}"; known keys: ${FILTER_KEYS.join(', ')}`;
  const values = match[2]!.split(',').map((value) => value.trim()).filter((value) => value !== '');
  if (values.length === 0) return `filter "${text}" has no value`;
  return { key, values };
}

export function formatRuleFilters(filters: readonly RuleFilter[]): string {
  return filters.map((filter) => `${filter.key}=${filter.values.join(',')}`).join(' ');
}

/**
 * Answers whether a rule converts for a target spec (`target=` filters); the caller decides how
 * conversions are obtained (the build's query sections, or converting on demand).
 */
export type ConvertsFor = (rule: DetectionRule, targetSpec: string) => boolean;

/**
 * The rules of the knowledge base that pass every filter, in the knowledge base's order. Values are
 * compared case-insensitively; `tactic` accepts a shortname, an id or a name (`credential-access`,
 * `TA0006`, `Credential Access`); `technique` matches the exact id or, for a technique, its sub-techniques
 * too; `product`, `category` and `service` match the log source of any rule of a collection;
 * `data-needed` the title of a matched entry; `target` a rule that converts for that target spec.
 * Returns an error message for a value that cannot match anything by construction (an unknown tactic).
 */
export function selectRules(kb: KnowledgeBase, filters: readonly RuleFilter[], convertsFor?: ConvertsFor): DetectionRule[] | string {
  const tests: Array<(rule: DetectionRule) => boolean> = [];
  for (const filter of filters) {
    const wanted = filter.values.map((value) => value.toLowerCase());
    const anyOf = (values: readonly (string | undefined)[]): boolean => values.some((value) => value !== undefined && wanted.includes(value.toLowerCase()));
    switch (filter.key) {
      case 'tactic': {
        const tactics: AttackTactic[] = [];
        for (const value of filter.values) {
          const tactic = kb.attack.tactic(value);
          if (!tactic) return `unknown tactic "${value}" (ATT&CK ${kb.attack.version} tactics: ${kb.attack.tactics.map((known) => known.shortname).join(', ')})`;
          tactics.push(tactic);
        }
        tests.push((rule) => kb.ruleLinks.get(rule)!.tactics.some((tactic) => tactics.includes(tactic)));
        break;
      }
      case 'technique':
        tests.push((rule) => kb.ruleLinks.get(rule)!.techniques.some((technique) => wanted.some((id) => technique.id.toLowerCase() === id || technique.id.toLowerCase().startsWith(`${id}.`))));
        break;
      case 'level':
        tests.push((rule) => anyOf([rule.level]));
        break;
      case 'status':
        tests.push((rule) => anyOf([rule.status]));
        break;
      case 'product':
      case 'category':
      case 'service': {
        const key = filter.key;
        tests.push((rule) => anyOf(rule.logsources.map((logsource) => logsource[key])));
        break;
      }
      case 'data-needed':
        tests.push((rule) => anyOf(kb.ruleLinks.get(rule)!.dataNeeded.map((match) => match.dataNeeded.title)));
        break;
      case 'target': {
        if (!convertsFor) return 'the target filter needs conversions, which are not available here';
        tests.push((rule) => filter.values.some((spec) => convertsFor(rule, spec)));
        break;
      }
    }
  }
  return kb.rules.filter((rule) => tests.every((passes) => passes(rule)));
}

/** The tactic shortnames a `tactic` filter selects, so a layer can show only those columns; undefined without one. */
export function filteredTactics(kb: KnowledgeBase, filters: readonly RuleFilter[]): ReadonlySet<string> | undefined {
  const tacticFilters = filters.filter((filter) => filter.key === 'tactic');
  if (tacticFilters.length === 0) return undefined;
  const sets = tacticFilters.map((filter) => new Set(filter.values.map((value) => kb.attack.tactic(value)?.shortname).filter((name): name is string => !!name)));
  return new Set([...sets[0]!].filter((name) => sets.every((set) => set.has(name))));
}
