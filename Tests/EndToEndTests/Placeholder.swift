// End-to-end tests of the dcmscrub executable.
