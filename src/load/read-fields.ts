import { makeIssue, type Issue, type IssueCode, type SourcePosition } from '../model/issue.ts';
import type { PathSegment, SourceDocument } from '../model/source-document.ts';
import type { TitleReference } from '../model/entities.ts';

/** Where issues point: one YAML document, or several merged into one (Sigma's `action: global`). */
export type SourceLocator = Pick<SourceDocument, 'file' | 'locate'>;

/**
 * Typed reads of one YAML mapping, each problem recorded as an Issue at the offending node.
 * Entity loaders describe their schema through these calls, so every loader reports type errors,
 * missing fields and unknown keys the same way.
 */
export class FieldReader {
  readonly document: SourceLocator;
  private readonly issues: Issue[];
  private readonly record: Record<string, unknown>;
  private readonly base: readonly PathSegment[];

  constructor(document: SourceLocator, issues: Issue[], record: Record<string, unknown>, base: readonly PathSegment[] = []) {
    this.document = document;
    this.issues = issues;
    this.record = record;
    this.base = base;
  }

  /** A reader over the document's top-level mapping, or null (with an issue) when the document is not a mapping. */
  static forDocument(document: SourceDocument, issues: Issue[], what: string): FieldReader | null {
    const value = document.value;
    if (value === null || value === undefined) {
      issues.push(makeIssue(document.file, document.position, 'yaml-empty', `empty document; expected a ${what}`));
      return null;
    }
    if (!isRecord(value)) {
      issues.push(makeIssue(document.file, document.position, 'field-type', `expected a ${what} (a mapping of keys to values), found ${describe(value)}`));
      return null;
    }
    return new FieldReader(document, issues, value);
  }

  has(key: string): boolean {
    return this.record[key] !== undefined && this.record[key] !== null;
  }

  raw(key: string): unknown {
    return this.record[key];
  }

  /** The mapping's keys in the order written (a playbook's stage lists are keyed by stage). */
  keys(): string[] {
    return Object.keys(this.record);
  }

  position(key?: string | number, part: 'key' | 'value' = 'value'): SourcePosition {
    return this.document.locate(key === undefined ? this.base : [...this.base, key], part);
  }

  /** An issue at item `index` of the list under `key`, or at the key's value when it is a single text standing for a list. */
  reportItem(key: string, index: number, code: Issue['code'], message: string): void {
    const position = Array.isArray(this.record[key]) ? this.document.locate([...this.base, key, index]) : this.position(key);
    this.issues.push(makeIssue(this.document.file, position, code, message));
  }

  report(key: string | number | undefined, code: Issue['code'], message: string): void {
    this.issues.push(makeIssue(this.document.file, this.position(key), code, message));
  }

  /** A text value. Numbers are accepted as text (YAML reads `version: 10` as a number); other types are errors. */
  string(key: string, options: { required?: boolean } = {}): string | undefined {
    const value = this.record[key];
    if (value === undefined || value === null || value === '') {
      if (options.required) this.report(undefined, 'field-missing', `missing required field "${key}"`);
      return undefined;
    }
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    this.report(key, 'field-type', `"${key}" must be text, found ${describe(value)}`);
    return undefined;
  }

  /** A text from a closed set; anything else is an issue (`field-value` unless `code` says otherwise) naming the set. */
  choice<T extends string>(key: string, allowed: readonly T[], options: { required?: boolean; code?: IssueCode } = {}): T | undefined {
    const value = this.string(key, options);
    if (value === undefined) return undefined;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.report(key, options.code ?? 'field-value', `"${key}" must be one of ${allowed.join(', ')}, found ${describe(value)}`);
    return undefined;
  }

  /**
   * A list of texts. A single text is accepted as a list of one, as the older tool's files often do, unless
   * the schema it mirrors requires a list (`singleText: false`, e.g. Atomic Red Team's pydantic model, or the
   * Sigma specification, whose pySigma refuses a lone text).
   * A lone number or boolean is not taken for a list: `fields: 42` is a mistake, not a field named "42".
   */
  stringList(key: string, options: { required?: boolean; singleText?: boolean } = {}): string[] {
    return this.textItems(key, options).map((item) => item.text);
  }

  /** Titles of other entities. The literal "None" is atc-data's way of saying there is none. */
  references(key: string): TitleReference[] {
    return this.textItems(key)
      .map((item) => ({ title: item.text.trim(), position: item.index === undefined ? this.position(key) : this.document.locate([...this.base, key, item.index]) }))
      .filter((reference) => reference.title !== '' && reference.title !== 'None');
  }

  /** The texts of a list field, each with its index in the list (none for a single text standing in for a list). */
  private textItems(key: string, options: { required?: boolean; singleText?: boolean } = {}): Array<{ text: string; index?: number }> {
    const value = this.record[key];
    if (value === undefined || value === null) {
      if (options.required) this.report(undefined, 'field-missing', `missing required field "${key}"`);
      return [];
    }
    if (typeof value === 'string' && options.singleText !== false) return [{ text: value }];
    if (!Array.isArray(value)) {
      this.report(key, 'field-type', `"${key}" must be a list of texts, found ${describe(value)}`);
      return [];
    }
    const items: Array<{ text: string; index: number }> = [];
    value.forEach((item, index) => {
      if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') items.push({ text: String(item), index });
      else this.issues.push(makeIssue(this.document.file, this.document.locate([...this.base, key, index]), 'field-type', `"${key}[${index}]" must be text, found ${describe(item)}`));
    });
    return items;
  }

  integer(key: string): number | undefined {
    const value = this.record[key];
    if (value === undefined || value === null) return undefined;
    const parsed = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
    if (!Number.isInteger(parsed)) {
      this.report(key, 'field-type', `"${key}" must be a whole number, found ${describe(value)}`);
      return undefined;
    }
    return parsed;
  }

  integerList(key: string): number[] {
    const value = this.record[key];
    if (value === undefined || value === null) return [];
    const list = Array.isArray(value) ? value : [value];
    const numbers: number[] = [];
    list.forEach((item, index) => {
      if (item === 'None' || item === null) return; // atc-data's placeholder for "no event id"
      const parsed = typeof item === 'number' ? item : typeof item === 'string' && /^\d+$/.test(item.trim()) ? Number(item) : NaN;
      if (Number.isInteger(parsed)) numbers.push(parsed);
      else this.issues.push(makeIssue(this.document.file, this.document.locate([...this.base, key, index]), 'field-type', `"${key}" must list whole numbers, found ${describe(item)}`));
    });
    return numbers;
  }

  boolean(key: string): boolean | undefined {
    const value = this.record[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'boolean') return value;
    this.report(key, 'field-type', `"${key}" must be true or false, found ${describe(value)}`);
    return undefined;
  }

  /** A nested mapping, as a reader of its own. */
  child(key: string, options: { required?: boolean } = {}): FieldReader | undefined {
    const value = this.record[key];
    if (value === undefined || value === null) {
      if (options.required) this.report(undefined, 'field-missing', `missing required field "${key}"`);
      return undefined;
    }
    if (!isRecord(value)) {
      this.report(key, 'field-type', `"${key}" must be a mapping, found ${describe(value)}`);
      return undefined;
    }
    return new FieldReader(this.document, this.issues, value, [...this.base, key]);
  }

  /** Items of a list of mappings, each as a reader; other items are reported. */
  children(key: string, options: { required?: boolean } = {}): FieldReader[] {
    const value = this.record[key];
    if (value === undefined || value === null) {
      if (options.required) this.report(undefined, 'field-missing', `missing required field "${key}"`);
      return [];
    }
    if (!Array.isArray(value)) {
      this.report(key, 'field-type', `"${key}" must be a list, found ${describe(value)}`);
      return [];
    }
    const readers: FieldReader[] = [];
    value.forEach((item, index) => {
      if (isRecord(item)) readers.push(new FieldReader(this.document, this.issues, item, [...this.base, key, index]));
      else this.issues.push(makeIssue(this.document.file, this.document.locate([...this.base, key, index]), 'field-type', `"${key}[${index}]" must be a mapping, found ${describe(item)}`));
    });
    return readers;
  }

  /** Mapping entries as [key, reader] pairs (for maps keyed by name, like ART's input_arguments). */
  entries(key: string): Array<[string, FieldReader]> {
    const child = this.child(key);
    if (!child) return [];
    return Object.keys(child.record).flatMap((name): Array<[string, FieldReader]> => {
      // An entry with no value (`name:`) is a mapping left empty by mistake, not an absent optional field.
      if (child.record[name] === null) {
        child.report(name, 'field-type', `"${key}.${name}" must be a mapping, found nothing`);
        return [];
      }
      const reader = child.child(name);
      return reader ? [[name, reader]] : [];
    });
  }

  /**
   * Warn about keys outside the schema: usually a typo that would otherwise silently drop data. A setting
   * whose typo would silently change what is built (`code`: config-invalid) makes it an error instead.
   */
  warnUnknownKeys(known: ReadonlySet<string>, what: string, code: IssueCode = 'field-unknown'): void {
    for (const key of Object.keys(this.record)) {
      if (!known.has(key)) {
        this.issues.push(makeIssue(this.document.file, this.position(key, 'key'), code, `unknown key "${key}" in ${what}`));
      }
    }
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `text "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return `${typeof value} ${String(value)}`;
}
