// The recently opened projects, kept in the app's userData folder (recent-projects.json) for File › Open Recent.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const MAX_RECENT = 10;

export class RecentProjects {
  private paths: string[];

  constructor(private readonly file: string) {
    this.paths = RecentProjects.read(file);
  }

  /** A missing or damaged list is an empty one: it is a convenience, never a reason not to start. */
  private static read(file: string): string[] {
    try {
      const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
      return Array.isArray(value) ? value.filter((p): p is string => typeof p === 'string').slice(0, MAX_RECENT) : [];
    } catch {
      return [];
    }
  }

  /** The projects that still exist, most recent first. */
  list(): string[] {
    return this.paths.filter((p) => existsSync(p));
  }

  add(project: string): void {
    const full = path.resolve(project);
    this.paths = [full, ...this.paths.filter((p) => p !== full)].slice(0, MAX_RECENT);
    this.save();
  }

  clear(): void {
    this.paths = [];
    this.save();
  }

  private save(): void {
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(this.file, `${JSON.stringify(this.paths, null, 1)}\n`);
    } catch (error) {
      console.error(`VoxWatch: cannot save the recent projects to ${this.file}:`, error);
    }
  }
}
