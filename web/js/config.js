// The endpoints come from config.json next to the page, so the same files serve locally and from S3.
let loading = null;

export function loadConfig() {
  if (!loading) {
    loading = fetch('config.json', { cache: 'no-store' }).then((response) => {
      if (!response.ok) throw new Error(`config.json: ${response.status}`);
      return response.json();
    }).then((config) => ({
      apiUrl: String(config.apiUrl).replace(/\/+$/, ''),
      wsUrl: String(config.wsUrl),
      limits: config.limits && typeof config.limits === 'object' ? config.limits : {},
    }));
  }
  return loading;
}
