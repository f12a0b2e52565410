import { createHash } from 'node:crypto';
import { ConversionError, notImplemented, pythonNumber } from '../conversion-error.ts';
import { isIpAddress } from '../ip-address.ts';
import { isPlaceholder, type QueryNode, type QueryStringPart, type QueryValue } from '../query-tree.ts';
import { ANY } from '../sigma-string.ts';
import type { FieldSyntax, TextQuerySyntax } from './text-query-syntax.ts';
import { escapeControlCharacters } from '../../terminal-text.ts';

type Match = Extract<QueryNode, { kind: 'match' }>;
type Keyword = Extract<QueryNode, { kind: 'keyword' }>;
type StringValue = Extract<QueryValue, { kind: 'string' }>;

/** `{name}` placeholders filled from `values` (unknown names are left as written). */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  let pieces = TEMPLATES.get(template);
  if (!pieces) TEMPLATES.set(template, (pieces = template.split(/\{(\w+)\}/)));
  // Even indexes are literal text, odd ones placeholder names.
  let text = pieces[0]!;
  for (let i = 1; i < pieces.length; i += 2) {
    const name = pieces[i]!;
    text += (values[name] ?? `{${name}}`) + pieces[i + 1]!;
  }
  return text;
}

// Templates are few (one table per target) and filled for every match: split once.
const TEMPLATES = new Map<string, string[]>();

// Control characters and line breaks: no query language holds them in a field name (Lucene would read a
// line break as whitespace, SPL and KQL strings cannot span lines), and a message echoing the name would
// carry them to a terminal.
const UNWRITABLE_IN_NAMES = /[\p{Cc}\p{Zl}\p{Zp}]/u;

/**
 * A field name as `syntax` writes it: bare when it is an identifier of the language, else escaped or
 * quoted so that it stays one identifier whatever it holds. Throws ConversionError for a name the
 * target cannot write (see FieldSyntax).
 */
export function fieldName(name: string, syntax: FieldSyntax): string {
  if (name === '') throw refusedName(`An empty field name cannot be written in ${syntax.label}.`);
  if (UNWRITABLE_IN_NAMES.test(name)) throw refusedName(`Field name ${quoteInMessage(name)} holds a control character or line break, which ${syntax.label} cannot hold.`);
  if (syntax.refused?.includes(name)) throw refusedName(`Field name ${quoteInMessage(name)} has a meaning of its own in ${syntax.label}.`);
  const reserved = syntax.reserved !== undefined && syntax.reserved.includes(name.toLowerCase());
  if (!reserved && syntax.bare?.test(name)) return name;
  if (syntax.escape) {
    const { char, pattern } = syntax.escape;
    const escaped = name.replace(pattern, (c) => char + c);
    // Reserved words are letters: an escaped first letter makes the word a term.
    return reserved ? char + escaped : escaped;
  }
  if (!syntax.quote || syntax.unquotable?.test(name)) throw refusedName(`Field name ${quoteInMessage(name)} cannot be written in ${syntax.label}.`);
  const { open, close, escapes } = syntax.quote;
  let inner = '';
  for (const c of name) inner += escapes[c] ?? c;
  return open + inner + close;
}

function refusedName(message: string): ConversionError {
  return new ConversionError('SigmaFeatureNotSupportedByBackendError', message);
}

/** The name in double quotes; JSON escapes C0 controls, the terminal escaping the rest (DEL, C1, separators, bidi). */
function quoteInMessage(name: string): string {
  return escapeControlCharacters(JSON.stringify(name));
}

/**
 * Renders a query tree with a syntax table, the way pySigma's TextQueryBackend does: operands are
 * parenthesised when their operator binds less strongly than the enclosing one (always, for
 * `parenthesize` targets), an OR of plain values of one field becomes an in-list, values are escaped
 * and quoted per the table. Throws ConversionError for what the target cannot express.
 */
export function renderTextQuery(tree: QueryNode, syntax: TextQuerySyntax): string | null {
  return rendererFor(syntax).renderParts(tree).query;
}

/** A query with the parts its syntax defers (`deferred` in the table): see DeferredSyntax. */
export interface RenderedQuery {
  /** The search expression; null when nothing is left in it. */
  readonly query: string | null;
  /** Extractions of condition fields the query tests (`rex …`, `eval …`), in order. */
  readonly conditions: readonly string[];
  /** Pipe commands after the search (`regex …`, `where …`), in order. */
  readonly deferred: readonly string[];
}

export function renderTextQueryParts(tree: QueryNode, syntax: TextQuerySyntax): RenderedQuery {
  return rendererFor(syntax).renderParts(tree);
}

function rendererFor(syntax: TextQuerySyntax): TextQueryRenderer {
  let renderer = RENDERERS.get(syntax);
  if (!renderer) RENDERERS.set(syntax, (renderer = new TextQueryRenderer(syntax)));
  return renderer;
}

// A renderer compiles its table's escaping into regular expressions once.
const RENDERERS = new WeakMap<TextQuerySyntax, TextQueryRenderer>();

class TextQueryRenderer {
  private readonly stringEscape: RegExp;
  private readonly regexEscape: RegExp | undefined;
  private readonly andJoin: string;
  private readonly orJoin: string;
  /** Escape one character matched by `stringEscape`, where the value is a pattern / an exact value. */
  private readonly escapeInPattern: (c: string) => string;
  private readonly escapeInExact: (c: string) => string;
  // Per-query state for deferred parts (tables with `deferred` only).
  private orDepth = 0;
  private negatedGroups = 0;
  private negatedLeaf = false;
  private conditions: string[] = [];
  private deferred: string[] = [];
  private readonly fieldCounts = new Map<string, number>();

  constructor(private readonly syntax: TextQuerySyntax) {
    const s = syntax.string;
    const escaped = new Set(s.wildcardMulti + s.wildcardSingle + s.quote + s.escaped + Object.keys(s.replaced ?? {}).join(''));
    this.stringEscape = new RegExp(`[${[...escaped].map((c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')).join('')}]`, 'g');
    const regexEscaped = syntax.regex ? [...syntax.regex.escape, ...(syntax.regex.escapeEscapeChar ? [syntax.regex.escapeChar] : [])] : [];
    const quoteRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    const alternatives = regexEscaped.map(quoteRegex);
    const unescaped = syntax.regex?.escapeUnescaped;
    if (unescaped) alternatives.push(`(?<=(?:^|[^${quoteRegex(syntax.regex!.escapeChar)}])(?:${quoteRegex(syntax.regex!.escapeChar)}{2})*)[${quoteRegex(unescaped)}]`);
    this.regexEscape = alternatives.length ? new RegExp(alternatives.join('|'), 'g') : undefined;
    const escapeWith = (wildcardPrefix: string | undefined) => (c: string): string => {
      const replaced = s.replaced?.[c];
      if (replaced !== undefined) return replaced;
      if (wildcardPrefix !== undefined && (c === s.wildcardMulti || c === s.wildcardSingle)) return wildcardPrefix + c;
      return s.escapeChar + c;
    };
    this.escapeInPattern = escapeWith(s.literalWildcard?.pattern);
    this.escapeInExact = escapeWith(s.literalWildcard?.exact);
    // pySigma: when the AND token is the separator itself (SPL's implicit AND), it is not repeated.
    this.andJoin = syntax.and === syntax.separator ? syntax.and : syntax.separator + syntax.and + syntax.separator;
    this.orJoin = syntax.separator + syntax.or + syntax.separator;
  }

  renderParts(node: QueryNode): RenderedQuery {
    this.orDepth = 0;
    this.negatedGroups = 0;
    this.negatedLeaf = false;
    this.conditions = [];
    this.deferred = [];
    this.fieldCounts.clear();
    const query = this.render(node);
    return { query, conditions: this.conditions, deferred: this.deferred };
  }

  render(node: QueryNode): string | null {
    switch (node.kind) {
      case 'and':
      case 'or': {
        if ((node.kind === 'or' || this.syntax.inList?.andOperator !== undefined) && this.isInList(node.args)) return this.inList(node.kind, node.args as Match[]);
        const parts: string[] = [];
        if (node.kind === 'or') this.orDepth++;
        for (const arg of node.args) {
          const part = this.bindsTighter(node.kind, arg) ? this.render(arg) : this.group(arg);
          if (part !== null) parts.push(part);
        }
        if (node.kind === 'or') this.orDepth--;
        return parts.length ? parts.join(node.kind === 'and' ? this.andJoin : this.orJoin) : null;
      }
      case 'not':
        return this.renderNot(node.arg);
      case 'match':
        return this.renderMatch(node);
      case 'keyword':
        return this.renderKeyword(node);
    }
  }

  private group(node: QueryNode): string | null {
    const inner = this.render(node);
    return inner === null ? null : fillTemplate(this.syntax.group, { expr: inner });
  }

  /** pySigma compare_precedence: true when `inner` needs no parentheses inside `outer`. */
  private bindsTighter(outer: 'and' | 'or', inner: QueryNode): boolean {
    const syntax = this.syntax;
    if (syntax.isNotNull !== undefined) {
      if (inner.kind === 'not' && isNullMatch(inner.arg)) return true;
      if (isNullMatch(inner)) return false;
    }
    const leaf = inner.kind === 'match' || inner.kind === 'keyword';
    if (syntax.parenthesize && !leaf) return false;
    // A value with alternatives (windash, base64offset) is rendered as an OR.
    const innerKind = leaf ? (inner.value.kind === 'expansion' ? 'or' : undefined) : inner.kind;
    const innerRank = innerKind === undefined ? -1 : syntax.precedence.indexOf(innerKind);
    return innerRank <= syntax.precedence.indexOf(outer);
  }

  private renderNot(arg: QueryNode): string | null {
    const syntax = this.syntax;
    const prefix = syntax.not + syntax.separator;
    const wrap = (inner: string): string => (syntax.notTemplate !== undefined ? fillTemplate(syntax.notTemplate, { expr: inner }) : prefix + inner);
    if (syntax.isNotNull !== undefined && isNullMatch(arg)) return fillTemplate(syntax.isNotNull, { field: this.field(arg.field) });
    if (arg.kind === 'and' || arg.kind === 'or' || arg.kind === 'not') {
      this.negatedGroups++;
      const inner = this.group(arg);
      this.negatedGroups--;
      return inner === null ? null : wrap(inner);
    }
    this.negatedLeaf = true;
    const inner = this.render(arg);
    this.negatedLeaf = false;
    if (inner === null) return null;
    // Alternatives written as a bare OR chain must be grouped to stay under the NOT (deviation D6).
    if (syntax.notTemplate === undefined && arg.kind === 'match' && arg.value.kind === 'expansion' && arg.value.values.length > 1 && !this.expansionAsList(arg)) {
      return prefix + fillTemplate(syntax.group, { expr: inner });
    }
    return wrap(inner);
  }

  private expansionAsList(node: Match): boolean {
    return this.syntax.expansionsAsList !== false && this.isInList(expansionMatches(node));
  }

  /** Whether a deferred part can stand for this match: every enclosing operator is an AND, or a NOT right above it. */
  private get conjunct(): boolean {
    return this.orDepth === 0 && this.negatedGroups === 0;
  }

  /** SPL `| rex` + `| eval` of a condition field for a regular expression the search cannot hold. */
  private regexCondition(field: string, regex: string): string {
    const deferred = this.syntax.deferred!;
    const count = (this.fieldCounts.get(field) ?? 0) + 1;
    this.fieldCounts.set(field, count);
    const suffix = count === 1 ? '' : String(count);
    // The names are capture-group names too: letters, digits and `_`, not starting with a digit.
    const base = field.replace(/^.*\./s, '').replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=\d)/, '_');
    const name = (kind: string): string => {
      const full = base + kind + suffix;
      if (full.length <= deferred.regexCondition.maxNameLength) return full;
      // Splunk's group and field names are limited; keep a readable prefix and a hash of the full name.
      const hash = createHash('blake2s256').update(full).digest('hex').slice(0, 8);
      return base.slice(0, deferred.regexCondition.maxNameLength - kind.length - suffix.length - 8) + hash + kind + suffix;
    };
    const condition = name('Condition');
    this.conditions.push(fillTemplate(deferred.regexCondition.template, { field: fieldName(field, deferred.commandField), match: name('Match'), condition, regex }));
    return this.stringMatch(condition, { kind: 'string', parts: ['true'] });
  }

  /** pySigma decide_convert_condition_as_in_expression (cased strings excluded, deviation D5). */
  private isInList(args: readonly QueryNode[]): boolean {
    const inList = this.syntax.inList;
    if (!inList) return false;
    const first = args[0];
    if (first?.kind !== 'match') return false;
    for (const arg of args) {
      if (arg.kind !== 'match' || arg.field !== first.field) return false;
      const value = arg.value;
      if (value.kind === 'number') continue;
      if (value.kind !== 'string' || value.cased) return false;
      if (!inList.wildcards && hasWildcard(value.parts)) return false;
    }
    return true;
  }

  private inList(kind: 'and' | 'or', args: readonly Match[]): string {
    const inList = this.syntax.inList!;
    const operator = kind === 'or' ? inList.operator : inList.andOperator!;
    const field = args[0]!.field;
    if (!inList.splitWildcards) {
      const list = args.map((arg) => (arg.value.kind === 'string' ? this.string(arg.value, inList.wildcards) : pythonNumber((arg.value as { value: number }).value)));
      return fillTemplate(inList.template, { field: this.field(field), op: operator, list: list.join(inList.separator) });
    }
    // KQL: plain values (numbers as strings) in the list, each pattern matched on its own after it.
    const plain: string[] = [];
    const patterns: string[] = [];
    for (const { value } of args) {
      if (value.kind === 'number') plain.push(this.string({ kind: 'string', parts: [pythonNumber(value.value)] }, false));
      else if (value.kind === 'string' && !hasWildcard(value.parts)) plain.push(this.string(value, false));
      else if (value.kind === 'string') patterns.push(this.patternInList(field, value));
    }
    const joiner = kind === 'or' ? this.orJoin : this.andJoin;
    const list = plain.length ? [fillTemplate(inList.template, { field: this.field(field), op: operator, list: plain.join(inList.separator) })] : [];
    return [...list, ...patterns].join(joiner);
  }

  /**
   * pySigma-backend-kusto: a pattern with a wildcard inside (not only at its ends) becomes the AND of
   * `contains` of its literal runs (order and single-character wildcards are lost, as in the reference);
   * other patterns are matched as a single value would be.
   */
  private patternInList(field: string, value: StringValue): string {
    const parts = value.parts;
    const inner: QueryStringPart[] = [...parts];
    // pySigma slices one character off each end (`value[1:-1]`).
    for (const end of [0, -1] as const) {
      const index = end === 0 ? 0 : inner.length - 1;
      const part = inner[index];
      if (part === undefined) break;
      if (typeof part === 'string') {
        const rest = end === 0 ? part.slice(1) : part.slice(0, -1);
        if (rest) inner[index] = rest;
        else inner.splice(index, 1);
      } else {
        inner.splice(index, 1);
      }
    }
    if (!hasWildcard(inner) || this.syntax.contains === undefined) return this.stringMatch(field, value);
    const runs = parts.filter((part): part is string => typeof part === 'string');
    const contains = runs.map((run) => fillTemplate(this.syntax.contains!, { field: this.field(field), value: this.string({ kind: 'string', parts: [run] }, false) }));
    return fillTemplate(this.syntax.group, { expr: contains.join(this.andJoin) });
  }

  private renderMatch(node: Match): string | null {
    const syntax = this.syntax;
    const value = node.value;
    switch (value.kind) {
      case 'string':
        return value.cased ? this.casedMatch(node.field, value) : this.stringMatch(node.field, value);
      case 'number':
        return this.field(node.field) + (syntax.numberEq ?? syntax.eq) + pythonNumber(value.value);
      case 'bool':
        return this.field(node.field) + syntax.eq + (value.value ? syntax.bool.true : syntax.bool.false);
      case 'regex': {
        if (!syntax.regex) throw notImplemented('Regular expression template is not supported by the backend.');
        const regex = this.regexPattern(value.pattern, value.flags);
        const deferred = syntax.deferred;
        if (deferred) {
          if (!this.conjunct) return this.regexCondition(node.field, regex);
          this.deferred.push(fillTemplate(deferred.regex.template, { field: fieldName(node.field, deferred.commandField), op: deferred.regex.operators[this.negatedLeaf ? 1 : 0], regex }));
          return null;
        }
        return fillTemplate(syntax.regex.template, { field: this.field(node.field), regex });
      }
      case 'cidr': {
        if (!syntax.cidr) throw notImplemented('CIDR expressions are not supported by the backend.');
        // pySigma wrote the field of CIDR matches as it is (no escaping or quoting); it is written like
        // every other field name here (deviation F1).
        const network = syntax.cidrEscapeColons ? value.address.replaceAll(':', '\\:') : value.address;
        return fillTemplate(syntax.cidr, { field: this.field(node.field), value: `${value.address}/${value.prefix}`, network, prefix: String(value.prefix) });
      }
      case 'compare':
        if (!syntax.compare) throw notImplemented('Comparison operations are not supported by the backend.');
        return fillTemplate(syntax.compare, { field: this.field(node.field), operator: value.operator, value: pythonNumber(value.value) });
      case 'fieldref': {
        const deferred = syntax.deferred;
        if (deferred && !value.startsWith && !value.endsWith) {
          const { template, operators, notConjunct, field } = deferred.fieldReference;
          if (!this.conjunct) throw new ConversionError(notConjunct.errorClass, notConjunct.message);
          this.deferred.push(fillTemplate(template, { field1: fieldName(node.field, field), field2: fieldName(value.field, field), op: operators[this.negatedLeaf ? 1 : 0] }));
          return null;
        }
        const reference = syntax.fieldReference;
        if (typeof reference === 'object') throw new ConversionError(reference.errorClass, reference.message);
        const shape = value.startsWith && value.endsWith ? 'contains ' : value.startsWith ? 'startswith ' : value.endsWith ? 'endswith ' : '';
        if (reference === undefined || shape) throw notImplemented(`Field reference ${shape}expression is not supported by backend.`);
        return fillTemplate(reference, { field1: this.field(node.field), field2: this.field(value.field) });
      }
      case 'null':
        if (!syntax.isNull) throw notImplemented('Field null expressions are not supported by the backend.');
        return fillTemplate(syntax.isNull, { field: this.field(node.field) });
      case 'exists': {
        if (!syntax.exists) throw notImplemented('Field exists expressions are not supported by the backend.');
        if (value.exists) return fillTemplate(syntax.exists, { field: this.field(node.field) });
        if (syntax.notExists) return fillTemplate(syntax.notExists, { field: this.field(node.field) });
        return syntax.not + syntax.separator + fillTemplate(syntax.exists, { field: this.field(node.field) });
      }
      case 'expansion': {
        if (this.syntax.expansionsAsList !== false) return this.render({ kind: 'or', args: expansionMatches(node) });
        this.orDepth++;
        const parts = expansionMatches(node).map((match) => this.renderMatch(match));
        this.orDepth--;
        return parts.join(this.orJoin);
      }
    }
  }

  /** pySigma convert_condition_field_eq_val_str: the most specific string operator the target has. */
  private stringMatch(field: string, value: StringValue): string {
    const syntax = this.syntax;
    const parts = value.parts;
    let template = '{field}{eq}{value}';
    let shown: readonly QueryStringPart[] = parts;
    const last = parts.length - 1;
    if (syntax.exactMatch !== undefined && (parts.length === 0 || (parts.length === 1 && typeof parts[0] === 'string' && LOOKS_LIKE_IP.test(parts[0]) && isIpAddress(parts[0])))) {
      template = syntax.exactMatch;
    } else if (syntax.startsWith !== undefined && parts[last] === ANY && !hasWildcard(parts.slice(0, last))) {
      template = syntax.startsWith;
      shown = parts.slice(0, last);
    } else if (syntax.endsWith !== undefined && parts[0] === ANY && !hasWildcard(parts.slice(1))) {
      template = syntax.endsWith;
      shown = parts.slice(1);
    } else if (syntax.contains !== undefined && parts.length > 0 && parts[0] === ANY && parts[last] === ANY && !hasWildcard(parts.slice(1, last))) {
      template = syntax.contains;
      shown = parts.slice(1, last);
    } else if (syntax.wildcardMatch !== undefined && hasWildcard(parts)) {
      template = syntax.wildcardMatch;
    }
    if (syntax.wildcardMatchAsRegex && template === syntax.wildcardMatch) {
      return fillTemplate(template, { field: this.field(field), eq: syntax.eq, value: this.regexPattern(wildcardRegex(parts), '') });
    }
    const pattern = template === syntax.wildcardMatch || (syntax.wildcardMatch === undefined && template === '{field}{eq}{value}');
    return fillTemplate(template, { field: this.field(field), eq: syntax.eq, value: this.string({ kind: 'string', parts: shown }, pattern) });
  }

  private casedMatch(field: string, value: StringValue): string {
    const cased = this.syntax.caseSensitive;
    if (!cased) throw notImplemented('Case-sensitive string matching is not supported by backend.');
    const wildcards = cased.wildcardMatch !== undefined && hasWildcard(value.parts);
    return fillTemplate(wildcards ? cased.wildcardMatch! : cased.match, { field: this.field(field), value: this.string(value, wildcards) });
  }

  private renderKeyword(node: Keyword): string {
    const syntax = this.syntax;
    const value = node.value;
    switch (value.kind) {
      case 'string':
        if (syntax.keywordString === undefined) throw notImplemented('String value expressions are not supported by the backend.');
        return fillTemplate(syntax.keywordString, { value: this.string(value) });
      case 'number':
        if (syntax.keywordNumber === undefined) throw notImplemented('Numeric value expressions are not supported by the backend.');
        return fillTemplate(syntax.keywordNumber, { value: pythonNumber(value.value) });
      case 'bool':
        throw new ConversionError('SigmaValueError', "Boolean values can't appear as standalone value without a field name.");
      case 'cidr':
        throw new ConversionError('SigmaValueError', "CIDR values can't appear as standalone value without a field name.");
      case 'regex':
        throw notImplemented('Regular expression template is not supported by the backend.');
      default:
        throw new ConversionError('TypeError', `Unexpected value type class in condition parse tree: ${PYSIGMA_TYPE[value.kind]}`);
    }
  }

  private field(name: string): string {
    return fieldName(name, this.syntax.field);
  }

  /**
   * pySigma convert_value_str / SigmaString.convert: escaping, wildcards, quoting. `pattern`: the value is
   * matched as a wildcard pattern (matters only for targets that write literal wildcards differently).
   */
  private string(value: StringValue, pattern = true): string {
    const s = this.syntax.string;
    const escapeChar = pattern ? this.escapeInPattern : this.escapeInExact;
    let text = '';
    for (const part of value.parts) {
      if (typeof part === 'string') text += part.replace(this.stringEscape, escapeChar);
      else if (isPlaceholder(part)) throw new ConversionError('SigmaPlaceholderError', `Attempt to convert unhandled placeholder '${part.placeholder}' into query.`);
      else text += part === ANY ? s.wildcardMulti : s.wildcardSingle;
    }
    return s.quoteWhen === 'always' || value.parts.length === 0 ? s.quote + text + s.quote : text;
  }

  /** pySigma SigmaRegularExpression.escape with the flags as an inline `(?ims)` prefix. */
  private regexPattern(pattern: string, flags: string): string {
    const regex = this.syntax.regex!;
    const escaped = this.regexEscape ? pattern.replace(this.regexEscape, (m) => regex.escapeChar + m) : pattern;
    return (flags ? `(?${flags})` : '') + escaped;
  }
}

// Cheap filter before the exact address test: only these characters can spell an IP address.
const LOOKS_LIKE_IP = /^[\da-fA-F:.%\w]*[.:][\da-fA-F:.%\w]*$/;

const PYSIGMA_TYPE: Readonly<Record<QueryValue['kind'], string>> = {
  string: 'SigmaString',
  number: 'SigmaNumber',
  bool: 'SigmaBool',
  null: 'SigmaNull',
  regex: 'SigmaRegularExpression',
  cidr: 'SigmaCIDRExpression',
  compare: 'SigmaCompareExpression',
  fieldref: 'SigmaFieldReference',
  exists: 'SigmaExists',
  expansion: 'SigmaExpansion',
};

/** A wildcard pattern as a regular expression: `*` → `.*`, `?` → `.`, literal text escaped. */
function wildcardRegex(parts: readonly QueryStringPart[]): string {
  let regex = '';
  for (const part of parts) {
    if (typeof part === 'string') regex += part.replace(/[\\.^$*+?()[\]{}|]/g, '\\$&');
    else if (isPlaceholder(part)) throw new ConversionError('SigmaPlaceholderError', `Attempt to convert unhandled placeholder '${part.placeholder}' into query.`);
    else regex += part === ANY ? '.*' : '.';
  }
  return regex;
}

function isNullMatch(node: QueryNode): node is Match {
  return node.kind === 'match' && node.value.kind === 'null';
}

function hasWildcard(parts: readonly QueryStringPart[]): boolean {
  return parts.some((part) => typeof part !== 'string' && !isPlaceholder(part));
}

function expansionMatches(node: Match): Match[] {
  return (node.value as Extract<QueryValue, { kind: 'expansion' }>).values.map((value) => ({ kind: 'match', field: node.field, value }));
}
