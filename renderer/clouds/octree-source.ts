// Where an epoch's octree comes from: `voxwatch serve` (GET api/octree…, with the API token) or, in Electron, the
// preload's octreeStatus and the voxwatch-octree: protocol. potree-core fetches through the RequestManager made here.
import { TOKEN_KEY } from '../bridge';
import { withBackoff } from './backoff';

export interface OctreeStatus {
  epochId: number;
  state: 'ready' | 'building' | 'queued' | 'failed';
  phase: 'scan' | 'distribute' | 'index' | null;
  done: number;
  total: number;
  error: string | null;
}

/** potree-core's RequestManager: resolves a name to a URL and fetches it (Range requests for the nodes). */
export interface OctreeRequests {
  getUrl(url: string): Promise<string>;
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
}

export interface OctreeSource {
  /** The epoch's octree state; asking starts a build on the server when there is none. */
  status(epochId: number): Promise<OctreeStatus>;
  /** The request manager for `loadPointCloud('metadata.json', …)` of this epoch. */
  requests(epochId: number): OctreeRequests;
}

interface ElectronOctrees {
  octreeStatus(epochId: number): Promise<OctreeStatus>;
}

/** Electron registers this scheme (electron/octree-protocol.ts) for the open project's octree files only. */
export const OCTREE_SCHEME = 'voxwatch-octree';

export function octreeSource(): OctreeSource {
  const electron = (window as unknown as { voxwatch?: Partial<ElectronOctrees> }).voxwatch;
  if (electron?.octreeStatus) {
    const status = electron.octreeStatus.bind(electron);
    return {
      status,
      requests: (epochId) => ({
        getUrl: async (name) => `${OCTREE_SCHEME}://epoch/${epochId}/${name}`,
        fetch: (input, init) => fetch(input, init),
      }),
    };
  }
  const headers = (): Record<string, string> => {
    const token = sessionStorage.getItem(TOKEN_KEY);
    return token ? { 'X-VoxWatch-Token': token } : {};
  };
  // Every epoch's node requests share one back-off: it is the one server that went away.
  const nodeFetch = withBackoff((input: RequestInfo | URL, init?: RequestInit) =>
    fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers() } }),
  );
  return {
    async status(epochId) {
      const response = await fetch(`api/octree?epoch=${epochId}`, { headers: headers() });
      const body = (await response.json()) as OctreeStatus & { error?: string };
      if (!response.ok) throw new Error(body.error ?? response.statusText);
      return body;
    },
    requests: (epochId) => ({
      // potree-core swaps "/metadata.json" for "/octree.bin" and "/hierarchy.bin" in this URL.
      getUrl: async (name) => new URL(`api/octree/${epochId}/${name}`, location.href).href,
      fetch: nodeFetch,
    }),
  };
}
