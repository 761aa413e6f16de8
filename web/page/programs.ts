/**
 * Adding programs: WebAssembly files chosen with the picker or dropped anywhere on the page are
 * read and handed to `install` (the kernel worker checks and installs them as /home/bin/NAME).
 */

export function acceptPrograms(picker: HTMLInputElement, overlay: HTMLElement, install: (name: string, bytes: Uint8Array) => void): void {
  const take = async (files: FileList | null): Promise<void> => {
    for (const f of Array.from(files ?? [])) install(f.name, new Uint8Array(await f.arrayBuffer()));
  };
  picker.addEventListener('change', () => {
    void take(picker.files).then(() => {
      picker.value = '';
    });
  });
  let depth = 0;
  document.addEventListener('dragenter', (e) => {
    e.preventDefault();
    depth++;
    overlay.hidden = false;
  });
  document.addEventListener('dragleave', () => {
    if (--depth <= 0) {
      depth = 0;
      overlay.hidden = true;
    }
  });
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    overlay.hidden = true;
    void take(e.dataTransfer?.files ?? null);
  });
}
