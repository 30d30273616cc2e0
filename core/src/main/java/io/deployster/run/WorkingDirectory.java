package io.deployster.run;

import java.io.File;

/** Why a job's working directory cannot be used on this host, in words a user can act on. */
final class WorkingDirectory {
    private WorkingDirectory() {
    }

    /** @return null when {@code dir} is a directory, else the reason naming {@code field} */
    static String problem(File dir, String field) {
        if (dir.isDirectory()) {
            return null;
        }
        if (dir.exists()) {
            return "'" + dir + "' (field '" + field + "') is not a directory on this host; give the directory to run in";
        }
        return "directory '" + dir + "' (field '" + field + "') does not exist on this host";
    }
}
