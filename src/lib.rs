//! refdesk: the back-office of the Atlantys referral program. The domain core knows nothing of
//! the terminal; the console, the CLI and the tests are clients of the same services.
pub mod domain;
