/**
 * Which survey came first. A run reads the second epoch against the first, so two epochs given
 * the wrong way round turn every new building into a demolition and every demolition into a new
 * building: said, since mixing up two survey folders is an easy mistake to make.
 */
import { acquisitionDate } from './io/inspect';
import type { EpochSourceInfo } from './io/formats';

export interface DatedEpoch {
  label: string;
  files: readonly EpochSourceInfo[];
  /** The survey's date as the caller knows it (a project's epoch), YYYY-MM-DD. */
  date?: string;
}

/**
 * An epoch's survey day: the one given, else when its first point cloud was flown (its GPS
 * time). A file's creation date is not used: files are often written months after the flight.
 */
export async function surveyDay(e: DatedEpoch): Promise<string | null> {
  if (e.date) return e.date;
  const cloud = e.files.find((f) => f.format === 'las');
  return cloud ? acquisitionDate(cloud.file) : null;
}

/** The warning for epochs given in the wrong order, or null when their order is right or unknown. */
export async function surveyOrderWarning(before: DatedEpoch, after: DatedEpoch): Promise<string | null> {
  const [first, second] = [await surveyDay(before), await surveyDay(after)];
  if (first === null || second === null || first <= second) return null;
  return `the before epoch was surveyed on ${first}, after the after epoch (${second}): every change reads backwards (what was built reads as demolished); give the earlier survey first`;
}
