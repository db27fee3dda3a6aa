/**
 * Shapes shared by every dataset source (shipped files, the tumour generator, CSV import) and by
 * participant assignment. Plain data only, so datasets survive structured clone into workers.
 * @module
 */

/** One data owner (a household, a patient, a CSV `participant` id) and the series it owns. */
export interface DatasetOwner {
  /** Stable owner id, e.g. `MAC000002`, `patient-0007`, `TRAIN-001`, a CSV participant id. */
  id: string;
  /** The owner's series, each of length {@link Dataset.T}. */
  series: Float64Array[];
  /** Optional per-series labels, parallel to `series` (LCL: the date `2013-01-04`; Italy: the class). */
  labels?: string[];
}

/** A dataset: owners with equal-length series and a public value range. */
export interface Dataset {
  /** `lcl`, `tumor`, `italy`, or the CSV file's name. */
  name: string;
  /** Length of every series. */
  T: number;
  /** Public lower bound of a value; the protocol clips to [lo, hi] (it bounds DP sensitivity). */
  lo: number;
  /** Public upper bound of a value. */
  hi: number;
  /** Unit of the values, e.g. `kWh`, `mm`, `z-score`. */
  unit: string;
  owners: DatasetOwner[];
}

/** The series one participant (one tab / one simulated node) contributes. */
export interface Participant {
  /** Id of the owner the series come from. */
  owner: string;
  /** 0 when the owner's series were not split; otherwise which disjoint group of the owner this is. */
  group: number;
  /** At most L series of that owner (fewer when the owner has fewer than L). */
  series: Float64Array[];
}

/** Result of {@link assignParticipants}. */
export interface Assignment {
  participants: Participant[];
  /** Human-readable remark to print with the run (owners split into groups, short owners). */
  note?: string;
}
