/** Jest runs the TypeScript sources directly; `tsc --noEmit` in .ci/run does the type checking, so ts-jest only transpiles (isolatedModules in tsconfig.jest.json) to keep the suite fast. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.jest.json", diagnostics: false }] },
  testTimeout: 60000,
};
