/**
 * A child process that runs one Job and sends back its result. Each measurement gets a fresh
 * process so that its peak RSS and maxRSS are its own, not what an earlier section left behind.
 */
import { detectJob, readFloorJob } from './jobs/detect';
import type { Job } from './jobs/index';
import { lasReadJob } from './jobs/las-read';
import { lazReadJob } from './jobs/laz-read';
import { reportJob } from './jobs/report';
import { orthoCropsJob, tilesSampleJob } from './jobs/sources';

function run(job: Job): Promise<unknown> {
  switch (job.kind) {
    case 'las-read':
      return lasReadJob(job.file, job.fields, job.reuseBuffers, job.repeats);
    case 'laz-read':
      return lazReadJob(job.file, job.copies, job.threads, job.repeats);
    case 'read-floor':
      return readFloorJob(job.files, job.threadPerFile);
    case 'detect':
      return detectJob(job.before, job.after, job.voxel);
    case 'report':
      return reportJob(job.dir, job.extent, job.changes, job.lang, job.out);
    case 'ortho-crops':
      return orthoCropsJob(job.file, job.crops);
    case 'tiles-sample':
      return tilesSampleJob(job.file, job.triangles);
  }
}

process.once('message', (job: Job) => {
  run(job).then(
    (value) => process.send!({ type: 'result', value }, () => process.exit(0)),
    (e: Error) => process.send!({ type: 'error', message: e.message, stack: e.stack }, () => process.exit(1)),
  );
});
process.send!({ type: 'ready' });
