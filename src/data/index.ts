/**
 * Data layer: shipped datasets (LCL smart meters, ItalyPowerDemand), the synthetic tumour-growth
 * generator, the CSV importer and participant assignment. Pure code (no DOM, no Node built-ins):
 * file access is injected by the caller.
 * @module
 */
export type { Dataset, DatasetOwner, Participant, Assignment } from './types';
export { CsvError, parseSeriesCsv, CSV_MAX_CHARS } from './csv';
export type { CsvOptions } from './csv';
export { decodeLcl, encodeLcl, LCL_FILE, LCL_HI_KWH } from './lcl';
export type { LclDay, LclHousehold } from './lcl';
export { decodeItaly, encodeItaly, ITALY_FILE, ITALY_BOUND } from './italy';
export type { ItalySeries } from './italy';
export { generateTumorDataset, sampleTumorParams, tumorCurve, TUMOR_DEFAULTS } from './tumor';
export type { TumorOptions, TumorParams } from './tumor';
export { assignParticipants } from './assign';
export { loadDataset } from './load';
export type { LoadDatasetOptions, FileReader as DataFileReader } from './load';
