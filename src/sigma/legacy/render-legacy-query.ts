import { fieldName } from '../backends/render-text-query.ts';
import type { FieldSyntax } from '../backends/text-query-syntax.ts';
import { ConversionError } from '../conversion-error.ts';
import type { LegacyNode, LegacyScalar, LegacyValue } from './legacy-tree.ts';

/**
 * A legacy target as data: the class attributes of sigmac's SingleTextQueryBackend subclasses
 * (andToken, listSeparator, reEscape…) plus the two hooks es-qs overrode in code.
 */
export interface LegacySyntax {
  readonly and: string;
  readonly or: string;
  readonly not: string;
  /** es-qs wrapped every negation: `(NOT x)`. */
  readonly wrapNot: boolean;
  readonly listSeparator: string;
  /** How field names are escaped (sigmac wrote them as they were). */
  readonly field: FieldSyntax;
  /** Characters to backslash-escape in values (a global regex whose match is prefixed with `\`). */
  readonly escape: RegExp;
  /** Characters dropped from values after escaping. */
  readonly clear?: RegExp;
  readonly nullExpression: (field: string) => string;
  readonly notNullExpression: (field: string) => string;
  /** How a regular expression value is written; absent when the target has none. */
  readonly regex?: (pattern: string) => string;
  readonly compare: (operator: string, value: string) => string;
  /** Field name for a field/value pair; may update the state (es-qs's `.keyword` choice). */
  readonly fieldName: (field: string, value: LegacyValue, state: LegacyRenderState) => string;
  /** An escaped value as written in the query, given the state. */
  readonly value: (escaped: string, state: LegacyRenderState) => string;
}

/**
 * sigmac kept the last `.keyword` decision in the backend object and used it for the next values,
 * including keywords without a field; it lives for one rule file (one backend run).
 */
export interface LegacyRenderState {
  matchKeyword: boolean;
}

export class LegacyRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LegacyRenderError';
  }
}

export function renderLegacyQuery(node: LegacyNode, syntax: LegacySyntax, state: LegacyRenderState): string {
  const render = (current: LegacyNode): string | undefined => {
    switch (current.kind) {
      case 'and':
      case 'or': {
        const parts = current.items.map(render).filter((part): part is string => part !== undefined);
        return parts.length ? parts.join(current.kind === 'and' ? syntax.and : syntax.or) : undefined;
      }
      case 'not': {
        const inner = render(current.item);
        if (inner === undefined) return undefined;
        return syntax.wrapNot ? `(${syntax.not}${inner})` : syntax.not + inner;
      }
      case 'sub': {
        const inner = render(current.inner);
        return inner ? `(${inner})` : undefined;
      }
      case 'null':
        return syntax.nullExpression(writeField(current.field));
      case 'notnull':
        return syntax.notNullExpression(writeField(current.field));
      case 'value':
        return renderValue(current.value);
      case 'map': {
        const field = syntax.fieldName(writeField(current.field), current.value, state);
        const value = current.value;
        if (Array.isArray(value)) return `${field}:(${value.map(renderValue).join(syntax.listSeparator)})`;
        if (typeof value === 'object') {
          const typed = value as Exclude<LegacyValue, LegacyScalar | readonly LegacyScalar[]>;
          if (typed.kind === 'regex') {
            if (!syntax.regex) throw new LegacyRenderError("Type modifier 're' is not supported by this target");
            return `${field}:${syntax.regex(typed.pattern)}`;
          }
          return `${field}:${syntax.compare(typed.operator, typed.value)}`;
        }
        return `${field}:${renderValue(value as LegacyScalar)}`;
      }
    }
  };
  const writeField = (name: string): string => {
    try {
      return fieldName(name, syntax.field);
    } catch (error) {
      if (error instanceof ConversionError) throw new LegacyRenderError(error.message);
      throw error;
    }
  };
  const renderValue = (value: LegacyScalar): string => {
    let escaped = String(value).replace(syntax.escape, '\\$&');
    if (syntax.clear) escaped = escaped.replace(syntax.clear, '');
    return syntax.value(escaped, state);
  };
  return render(node) ?? '';
}
