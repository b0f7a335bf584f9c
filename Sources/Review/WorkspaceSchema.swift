// WorkspaceSchema: the workspace database's tables, indexes and append-only triggers, as GRDB migrations.
import GRDB

enum WorkspaceSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);

                CREATE TABLE groups (
                    id INTEGER PRIMARY KEY,
                    manufacturer TEXT NOT NULL, model TEXT NOT NULL, rows INTEGER NOT NULL, columns INTEGER NOT NULL,
                    claimLogin TEXT, claimHost TEXT, claimPid INTEGER, claimHeartbeat REAL,
                    UNIQUE (manufacturer, model, rows, columns));

                CREATE TABLE instances (
                    id INTEGER PRIMARY KEY,
                    sourcePath TEXT NOT NULL, sourceSize INTEGER NOT NULL, sourceModified REAL NOT NULL,
                    sourceSHA256 TEXT NOT NULL UNIQUE,
                    patientID TEXT, studyUID TEXT, seriesUID TEXT, sopUID TEXT,
                    groupID INTEGER REFERENCES groups(id),
                    state TEXT NOT NULL CHECK (state IN ('proposed', 'approved', 'committed', 'quarantined')),
                    quarantineCode TEXT, quarantineReason TEXT,
                    outputPath TEXT, headerPlan TEXT,
                    templateVersion INTEGER, committedAt TEXT, outputSHA256 TEXT,
                    ingestedAt TEXT NOT NULL);
                CREATE INDEX instances_group_state ON instances (groupID, state);
                CREATE INDEX instances_state ON instances (state);
                CREATE INDEX instances_path ON instances (sourcePath);
                CREATE INDEX instances_output ON instances (outputPath);

                CREATE TABLE templates (
                    id INTEGER PRIMARY KEY,
                    groupID INTEGER NOT NULL REFERENCES groups(id),
                    name TEXT NOT NULL, version INTEGER NOT NULL, verified INTEGER NOT NULL,
                    author TEXT NOT NULL, createdAt TEXT NOT NULL, regions TEXT NOT NULL,
                    UNIQUE (groupID, version));

                CREATE TABLE proposals (
                    id INTEGER PRIMARY KEY,
                    instanceID INTEGER NOT NULL REFERENCES instances(id),
                    x INTEGER NOT NULL, y INTEGER NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
                    source TEXT NOT NULL, text TEXT NOT NULL, confidence REAL NOT NULL, reason TEXT NOT NULL,
                    templateID INTEGER REFERENCES templates(id), templateVersion INTEGER,
                    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
                    active INTEGER NOT NULL, supersedes INTEGER REFERENCES proposals(id));
                CREATE INDEX proposals_instance ON proposals (instanceID, active);

                CREATE TABLE audit (
                    seq INTEGER PRIMARY KEY,
                    time TEXT NOT NULL, reviewer TEXT NOT NULL, action TEXT NOT NULL, payload TEXT NOT NULL,
                    prevHash TEXT NOT NULL, hash TEXT NOT NULL);
                -- Append-only: history changes only by dropping these, and then the hash chain tells.
                CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
                    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
                    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

                CREATE TABLE decisions (
                    id INTEGER PRIMARY KEY,
                    action TEXT NOT NULL, reviewer TEXT NOT NULL, time TEXT NOT NULL, reason TEXT,
                    instanceID INTEGER, groupID INTEGER, proposalID INTEGER, templateID INTEGER,
                    auditSeq INTEGER NOT NULL UNIQUE REFERENCES audit(seq));
                CREATE INDEX decisions_instance ON decisions (instanceID);
                CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
                    BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
                CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
                    BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;

                CREATE TABLE spotChecks (
                    id INTEGER PRIMARY KEY,
                    instanceID INTEGER NOT NULL UNIQUE REFERENCES instances(id),
                    groupID INTEGER NOT NULL REFERENCES groups(id),
                    seed INTEGER NOT NULL, drawnAt TEXT NOT NULL, drawnBy TEXT NOT NULL,
                    verdict TEXT CHECK (verdict IN ('clean', 'leak')),
                    checkedBy TEXT, checkedAt TEXT, note TEXT);
                CREATE INDEX spotChecks_group ON spotChecks (groupID, verdict);
                """)
        }
        // What the workstation lists without opening files: modality, frame count, the patient's pseudonym.
        migrator.registerMigration("v2") { db in
            try db.execute(sql: """
                ALTER TABLE instances ADD COLUMN modality TEXT;
                ALTER TABLE instances ADD COLUMN frames INTEGER;
                ALTER TABLE instances ADD COLUMN pseudonym TEXT;
                CREATE INDEX instances_study ON instances (studyUID);
                -- Distinct patients, studies, series and modalities per group come from these indexes alone.
                CREATE INDEX instances_group_patient ON instances (groupID, patientID);
                CREATE INDEX instances_group_study ON instances (groupID, studyUID);
                CREATE INDEX instances_group_series ON instances (groupID, seriesUID);
                CREATE INDEX instances_group_modality ON instances (groupID, modality);
                """)
        }
        return migrator
    }
}
