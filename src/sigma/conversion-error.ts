import type { UnsupportedCategory } from './backends/target.ts';

/**
 * Why a rule cannot be converted for a target, named after the pySigma exception the reference
 * converter raises in the same place, so that `ok: false` lines read like the reference files:
 * `SigmaFeatureNotSupportedByBackendError: ES Lucene backend can't handle field references.`
 */
export class ConversionError extends Error {
  constructor(
    /** pySigma's exception class (SigmaValueError, NotImplementedError, …). */
    readonly errorClass: string,
    message: string,
    /** What is missing: a feature of the target language (default), a field mapping, a log-source mapping. */
    readonly category: UnsupportedCategory = 'feature',
  ) {
    super(message);
    this.name = 'ConversionError';
  }

  /**
   * The reason as pySigma prints it. Exceptions outside the Sigma hierarchy (NotImplementedError,
   * TypeError) get pySigma's context suffix, which names the rule's source (None for in-memory rules).
   */
  get reason(): string {
    const context = this.errorClass.startsWith('Sigma') ? '' : ' (while converting rule None)';
    return `${this.errorClass}: ${this.message}${context}`;
  }
}

export function notImplemented(message: string): ConversionError {
  return new ConversionError('NotImplementedError', message);
}

/** Python's `str()` of an int or float, as pySigma writes numbers (SigmaNumber keeps ints as ints). */
export function pythonNumber(value: number): string {
  // SigmaNumber turns every integral value into a Python int, printed with all its digits.
  if (Number.isInteger(value)) return Math.abs(value) < 1e16 ? String(value) : BigInt(value).toString();
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  // repr(float): shortest round-trip digits like JS, exponent as e+XX / e-XX, switching at 1e16 and 1e-4.
  const abs = Math.abs(value);
  if (abs >= 1e16 || abs < 1e-4) {
    const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
    const sign = exponent.startsWith('-') ? '-' : '+';
    const digits = exponent.replace(/^[+-]/, '').padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return String(value);
}
