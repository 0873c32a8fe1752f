package dev.nlptoolkit.tasks.score;

import java.io.IOException;

/** How the records of one file format become scorer inputs and output records. */
interface RecordLayout {

    ScoreInput input(InputRecord record);

    void write(InputRecord record, ScoreResult result, RecordWriter writer) throws IOException;

    /** Delimited records: columns by {@link OutputSchema}. */
    static RecordLayout tabular(OutputSchema schema) {
        return new RecordLayout() {
            @Override
            public ScoreInput input(InputRecord record) {
                return schema.input(record.line(), record.fields(), record.error());
            }

            @Override
            public void write(InputRecord record, ScoreResult result, RecordWriter writer) throws IOException {
                writer.writeRecord(schema.output(record.fields(), result));
            }
        };
    }
}
