package io.deployster.job;

import com.google.gson.JsonSyntaxException;
import com.google.gson.ToNumberStrategy;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Reads JSON numbers of free-form values (extra vars) so they are written back as given: an integer
 * stays an integer of any size (Long, else BigInteger), a fraction keeps its digits (BigDecimal).
 */
final class JsonNumbers implements ToNumberStrategy {
    private static final Pattern INTEGER = Pattern.compile("-?\\d+");

    @Override
    public Number readNumber(JsonReader in) throws IOException {
        String text = in.nextString();
        try {
            if (INTEGER.matcher(text).matches()) {
                BigInteger value = new BigInteger(text);
                return value.bitLength() < 64 ? (Number) value.longValue() : value;
            }
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new JsonSyntaxException("'" + text + "' is not a number", e);
        }
    }
}
