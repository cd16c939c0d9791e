// An Artillery reporter (loaded with CUSTOM_REPORTERS) that does in a test what the SQS
// reporter does in a Fargate worker: every period's metrics, histograms as serialized
// DDSketches, go out with Artillery's own serializer — here, one line each appended to the file
// STAMPEDE_TEST_PERIODS_FILE names — for the test to merge the way the Fargate leader does.
const { appendFileSync } = require('node:fs');

module.exports = function createReporter(events) {
  const file = process.env.STAMPEDE_TEST_PERIODS_FILE;
  events.on('stats', (stats) => {
    appendFileSync(file, global.artillery.__SSMS.serializeMetrics(stats) + '\n');
  });
  return {};
};
