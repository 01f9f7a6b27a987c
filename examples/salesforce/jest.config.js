// The LWC Jest preset (module resolution for lightning/*, @salesforce/apex/* and c/*), as sfdx-lwc-jest ships it.
const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

module.exports = {
  ...jestConfig,
  modulePathIgnorePatterns: ['<rootDir>/.localdevserver'],
};
