// What the DUO and Beacon tests state of a research use when a test is not about these answers: a
// non-commercial genetic study, ethics-approved, committed to every undertaking a DUO modifier may ask.
export const COMMITTED_USE = {
  forProfit: false,
  commercial: false,
  geneticStudy: true,
  ethicsApproved: true,
  willPublish: true,
  willCollaborate: true,
  willReturnResults: true,
} as const;
