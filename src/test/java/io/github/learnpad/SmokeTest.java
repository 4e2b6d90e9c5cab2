package io.github.learnpad;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import static org.junit.jupiter.api.Assertions.*;
class SmokeTest {
  @Test void backendWorks() { assertEquals(6.0, Nd4j.createFromArray(1.0,2.0,3.0).sumNumber().doubleValue(), 0); }
}
