"""Floor 2: the only code that opens files — vector and raster reading, atomic writers, the profile folder's file names."""
