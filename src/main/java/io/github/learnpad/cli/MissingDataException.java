package io.github.learnpad.cli;

/** A dataset's files are not where the CLI looked; the message says how to get them. */
class MissingDataException extends java.io.IOException {
    MissingDataException(String message) {
        super(message);
    }
}
