import type { TitleReference } from '../model/entities.ts';
import { makeIssue } from '../model/issue.ts';
import { PLAYBOOK_SEVERITIES, SHARING_LEVELS, REACT_STAGES, stageKey, type PlaybookSeverity, type PlaybookStageList, type ResponseAction, type ResponsePlaybook, type ResponseStage, type SharingLevel } from '../model/response.ts';
import type { KnowledgeBaseBudget } from './knowledge-base-budget.ts';
import type { LoadMemo } from './load-memo.ts';
import { loadEntityFiles, singleDocument, type LoadedFiles } from './load-entities.ts';
import type { FieldReader } from './read-fields.ts';
import type { InputFile } from './find-input-files.ts';
import type { SourceDocument } from '../model/source-document.ts';

const ACTION_KEYS = new Set([
  'title', 'id', 'description', 'author', 'contributors', 'creation_date', 'stage', 'references', 'requirements', 'automation',
  'linked_ra', 'linked_analytics', 'owner', 'workflow',
]);

/** Every key a playbook has besides its stage lists; any other key holding a list is a stage list. */
const PLAYBOOK_KEYS = new Set([
  'title', 'id', 'description', 'author', 'contributors', 'creation_date', 'severity', 'tlp', 'pap', 'tags', 'linked_rp', 'references', 'workflow',
]);

const STAGE_KEYS = new Set(['title', 'id', 'description']);

/** RE&CT's stages by key: the 2019 files name an action's stage in its title (`RA_0001_identification_get_original_email`). */
const REACT_STAGE_KEYS = REACT_STAGES.map((stage) => stageKey(stage.title));

/** Response Actions, in RE&CT's schema or the older tool's 2019 schema (no id, the stage also in the title). */
export function loadResponseActions(folders: readonly string[], cwd?: string, budget?: KnowledgeBaseBudget, memo?: LoadMemo): LoadedFiles<ResponseAction> {
  return loadEntityFiles(folders, (file, _text, documents, issues) => singleDocument(file, documents, issues, 'Response Action', (reader, document) => {
    reader.warnUnknownKeys(ACTION_KEYS, 'a Response Action');
    reader.stringList('contributors');
    const title = reader.string('title', { required: true })?.trim();
    const description = reader.string('description', { required: true });
    if (!title || description === undefined) return undefined;
    const stage = reader.references('stage')[0] ?? stageFromTitle(title, reader);
    if (stage === undefined) reader.report(undefined, 'field-missing', 'missing required field "stage" (one of preparation, identification, containment, eradication, recovery, lessons_learned, or a stage of the knowledge base)');
    return {
      kind: 'response-action',
      ...commonFields(file, document, reader, title, description),
      ...(stage && { stage: { title: stage.title.toLowerCase(), position: stage.position } }),
      references: reader.stringList('references'),
      requirements: reader.stringList('requirements'),
      automation: reader.stringList('automation'),
      linkedAnalytics: reader.stringList('linked_analytics'),
      linkedActions: reader.references('linked_ra'),
      ...optionalText(reader, 'owner', 'owner'),
      ...authorMarkdown(reader, 'workflow'),
    } satisfies ResponseAction;
  }), cwd, budget, undefined, memo && { memo, kind: 'response-actions' });
}

export function loadResponsePlaybooks(folders: readonly string[], cwd?: string, budget?: KnowledgeBaseBudget, memo?: LoadMemo): LoadedFiles<ResponsePlaybook> {
  return loadEntityFiles(folders, (file, _text, documents, issues) => singleDocument(file, documents, issues, 'Response Playbook', (reader, document) => {
    reader.stringList('contributors');
    const title = reader.string('title', { required: true })?.trim();
    const description = reader.string('description', { required: true });
    const stages: PlaybookStageList[] = [];
    for (const key of reader.keys()) {
      if (PLAYBOOK_KEYS.has(key)) continue;
      const value = reader.raw(key);
      if (Array.isArray(value) || (REACT_STAGE_KEYS.includes(key) && typeof value === 'string')) {
        stages.push({ stage: { title: key.toLowerCase(), position: reader.position(key, 'key') }, actions: reader.references(key) });
      } else if (value !== null && value !== undefined) {
        // At the key, as every other unknown key is reported: the key is what is wrong.
        issues.push(makeIssue(document.file, reader.position(key, 'key'), 'field-unknown', `"${key}" is not a field of a Response Playbook (nor a stage's list of Response Actions)`));
      }
    }
    if (!title || description === undefined) return undefined;
    const severity = severityOf(reader);
    const tlp = sharingLevel(reader, 'tlp');
    const pap = sharingLevel(reader, 'pap');
    return {
      kind: 'response-playbook',
      ...commonFields(file, document, reader, title, description),
      ...(severity && { severity }),
      ...(tlp && { tlp }),
      ...(pap && { pap }),
      tags: reader.references('tags'),
      linkedPlaybooks: reader.references('linked_rp'),
      references: reader.stringList('references'),
      stages,
      ...authorMarkdown(reader, 'workflow'),
    } satisfies ResponsePlaybook;
  }), cwd, budget, undefined, memo && { memo, kind: 'response-playbooks' });
}

/** RE&CT's `response_stages/RS000N.yml`. */
export function loadResponseStages(folders: readonly string[], cwd?: string, budget?: KnowledgeBaseBudget, memo?: LoadMemo): LoadedFiles<ResponseStage> {
  return loadEntityFiles(folders, (file, _text, documents, issues) => singleDocument(file, documents, issues, 'Response Stage', (reader, document) => {
    reader.warnUnknownKeys(STAGE_KEYS, 'a Response Stage');
    const title = reader.string('title', { required: true })?.trim();
    const id = reader.string('id', { required: true })?.trim();
    if (!title || !id) return undefined;
    const key = stageKey(title);
    if (key === '') {
      reader.report('title', 'field-value', `a stage's title must contain a letter or a digit: actions and playbooks name the stage by it`);
      return undefined;
    }
    return {
      kind: 'response-stage',
      file: file.displayPath,
      relativePath: file.relativePath,
      position: document.position,
      id: id.toUpperCase(),
      title,
      key,
      description: reader.string('description')?.trim() ?? '',
      builtIn: false,
    } satisfies ResponseStage;
  }), cwd, budget, undefined, memo && { memo, kind: 'response-stages' });
}

/** The 2019 schema's titles carry the stage: `RA_0001_identification_get_original_email`. */
function stageFromTitle(title: string, reader: FieldReader): TitleReference | undefined {
  const words = /^RA_\d+_(.+)$/i.exec(title)?.[1]?.toLowerCase();
  const key = words === undefined ? undefined : REACT_STAGE_KEYS.find((candidate) => words.startsWith(`${candidate}_`));
  return key === undefined ? undefined : { title: key, position: reader.position('title') };
}

/** What actions and playbooks share: where they are, their key, their RE&CT id (upper case), description, author and date. */
function commonFields(file: InputFile, document: SourceDocument, reader: FieldReader, title: string, description: string) {
  const id = reader.string('id')?.trim();
  return {
    file: file.displayPath,
    relativePath: file.relativePath,
    position: document.position,
    title,
    ...(id && { id: id.toUpperCase() }),
    description: description.trim(),
    ...optionalText(reader, 'author', 'author'),
    ...optionalText(reader, 'creation_date', 'creationDate'),
  };
}

/** Markdown as written (its leading indentation is syntax), read once so that a wrong type is reported once. */
function authorMarkdown(reader: FieldReader, key: 'workflow'): { workflow?: string } {
  const value = reader.string(key);
  return value === undefined ? {} : { [key]: value };
}

function optionalText<K extends string>(reader: FieldReader, key: string, as: K): { [key in K]?: string } {
  const value = reader.string(key)?.trim();
  return (value ? { [as]: value } : {}) as { [key in K]?: string };
}

const SEVERITY_WORDS: Readonly<Record<string, PlaybookSeverity>> = { low: 'L', medium: 'M', high: 'H', critical: 'C' };

/** L, M, H, C, or the words they stand for, in any case. */
function severityOf(reader: FieldReader): PlaybookSeverity | undefined {
  const written = reader.string('severity')?.trim();
  if (written === undefined) return undefined;
  const upper = written.toUpperCase();
  const severity = (PLAYBOOK_SEVERITIES as readonly string[]).includes(upper) ? (upper as PlaybookSeverity) : SEVERITY_WORDS[written.toLowerCase()];
  if (severity === undefined) reader.report('severity', 'field-value', `"severity" must be one of L, M, H, C (low, medium, high, critical), found "${written}"`);
  return severity;
}

/** WHITE, GREEN, AMBER or RED in any case; TLP 2.0's CLEAR is WHITE renamed. */
function sharingLevel(reader: FieldReader, key: 'tlp' | 'pap'): SharingLevel | undefined {
  const written = reader.string(key)?.trim();
  if (written === undefined) return undefined;
  const upper = written.toUpperCase().replace(/^(?:TLP|PAP):/, '');
  const level = upper === 'CLEAR' ? 'WHITE' : (SHARING_LEVELS as readonly string[]).includes(upper) ? (upper as SharingLevel) : undefined;
  if (level === undefined) reader.report(key, 'field-value', `"${key}" must be one of ${SHARING_LEVELS.join(', ')}, found "${written}"`);
  return level;
}
