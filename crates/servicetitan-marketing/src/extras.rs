//! Hand-written operations that progenitor cannot express (none for this area).
