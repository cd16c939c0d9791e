// The version of packages/artillery-engine-stampede, which the export pins (a test keeps the two
// equal).
export const ENGINE_VERSION = '0.1.0';
