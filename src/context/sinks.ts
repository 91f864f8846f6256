/**
 * The render engineer's sinks (src/render), reached through one typed seam so
 * the diagnosis pipeline stays usable while rendering is unavailable.
 */
import type { DiagnosisData } from '../types';

export interface ReportSinks {
  inNotebook(): boolean;
  displayReport(data: DiagnosisData): Promise<void>;
  reportToHTML(data: DiagnosisData): Promise<string>;
  reportToText(data: DiagnosisData): string;
}

export function reportSinks(): ReportSinks {
  // Loaded lazily: rendering pulls in vega, which checks never need.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../render') as ReportSinks;
}
