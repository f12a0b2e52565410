import jsYaml from 'js-yaml';

/**
 * Scalars as PyYAML reads them (YAML 1.1), because Sigma rules and Atomic Red Team files are written
 * and tested with PyYAML: `yes`/`off` are booleans, `0755` is octal, `1:20` is sexagesimal, and `1e5`
 * (no dot) stays text. Timestamps are left out on purpose, so `date: 2024-01-02` stays the text the author wrote.
 */
const bool = new jsYaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: string) => /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/.test(data),
  construct: (data: string) => /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/.test(data),
  predicate: (object: unknown) => typeof object === 'boolean',
  represent: (object: object) => String(object),
});

const INT_1_1 = /^(?:[-+]?0b[01_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;

function constructInt(data: string): number {
  let text = data.replace(/_/g, '');
  let sign = 1;
  if (text[0] === '-' || text[0] === '+') {
    if (text[0] === '-') sign = -1;
    text = text.slice(1);
  }
  if (text === '0') return 0;
  if (text.startsWith('0b')) return sign * parseInt(text.slice(2), 2);
  if (text.startsWith('0x')) return sign * parseInt(text.slice(2), 16);
  if (text.startsWith('0')) return sign * parseInt(text, 8);
  if (text.includes(':')) return sign * text.split(':').reduce((total, part) => total * 60 + Number(part), 0);
  return sign * Number(text);
}

const int = new jsYaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: string) => INT_1_1.test(data),
  construct: constructInt,
  predicate: (object: unknown) => typeof object === 'number' && Number.isInteger(object),
  represent: (object: object) => String(object),
});

const FLOAT_1_1 = /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

const float = new jsYaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data: string) => FLOAT_1_1.test(data),
  construct: (data: string) => {
    const text = data.replace(/_/g, '').toLowerCase();
    if (text.endsWith('.inf')) return text.startsWith('-') ? -Infinity : Infinity;
    if (text === '.nan') return NaN;
    if (text.includes(':')) {
      const sign = text.startsWith('-') ? -1 : 1;
      return sign * text.replace(/^[-+]/, '').split(':').reduce((total, part) => total * 60 + Number(part), 0);
    }
    return Number(text);
  },
  predicate: (object: unknown) => typeof object === 'number' && !Number.isInteger(object),
  represent: (object: object) => String(object),
});

const nullType = new jsYaml.Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (data: string) => data === '' || /^(?:~|null|Null|NULL)$/.test(data),
  construct: () => null,
  predicate: (object: unknown) => object === null,
  represent: () => 'null',
});

/** `<<: *defaults` merge keys, which PyYAML supports; js-yaml's typings omit its built-in type table. */
const mergeKey = (jsYaml as unknown as { types: { merge: jsYaml.Type } }).types.merge;

export const YAML_1_1_SCHEMA = jsYaml.FAILSAFE_SCHEMA.extend({
  implicit: [nullType, bool, int, float, mergeKey],
  explicit: [],
});
