// Placeholder page script: shows the app version and echoes menu commands until the real UI arrives.
// It talks to the main process only through the bridge the preload exposes (absent in a plain browser).

interface VoxWatchBridge {
  version(): Promise<string>;
  onMenu?(callback: (id: string) => void): () => void;
}

declare global {
  interface Window {
    voxwatch?: VoxWatchBridge;
  }
}

async function showVersion(bridge: VoxWatchBridge): Promise<void> {
  const target = document.getElementById('version');
  if (target === null) return;
  try {
    target.textContent = `v${await bridge.version()}`;
  } catch (error) {
    console.error('VoxWatch: version unavailable', error);
  }
}

function echoMenuCommands(bridge: VoxWatchBridge): void {
  const status = document.getElementById('status');
  bridge.onMenu?.((id) => {
    if (status !== null) status.textContent = `“${id}” is not available yet.`;
  });
}

const bridge = window.voxwatch;
if (bridge !== undefined) {
  void showVersion(bridge);
  echoMenuCommands(bridge);
}

export {};
