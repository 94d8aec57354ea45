package dev.peregrine.instrument.patch;

import dev.peregrine.instrument.template.Templates;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CloudFormationValuesTest {
    static final String TEMPLATE = """
            {"Parameters": {
               "Repo": {"Type": "String", "Default": "shop/api"},
               "Tag": {"Type": "String"},
               "FromSsm": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/images/api"},
               "Names": {"Type": "CommaDelimitedList", "Default": "a,b"}},
             "Resources": {}}""";

    ValueResolver values(Map<String, String> given) throws Exception {
        return new CloudFormationValues(Templates.json().readTree(TEMPLATE), given);
    }

    ValueResolver.Resolved resolve(String json, Map<String, String> given) throws Exception {
        return values(given).resolve(Templates.json().readTree(json));
    }

    @Test
    void refUsesGivenValueThenDefault() throws Exception {
        assertEquals(new ValueResolver.Known("shop/api"), resolve("{\"Ref\": \"Repo\"}", Map.of()));
        assertEquals(new ValueResolver.Known("other"), resolve("{\"Ref\": \"Repo\"}", Map.of("Repo", "other")));
        var unknown = assertInstanceOf(ValueResolver.Unknown.class, resolve("{\"Ref\": \"Tag\"}", Map.of()));
        assertTrue(unknown.reason().contains("--param Tag=VALUE"), unknown.reason());
    }

    @Test
    void ssmAndListParametersAreNotGuessedFromTheirDefault() throws Exception {
        var ssm = assertInstanceOf(ValueResolver.Unknown.class, resolve("{\"Ref\": \"FromSsm\"}", Map.of()));
        assertTrue(ssm.reason().contains("SSM"), ssm.reason());
        assertEquals(new ValueResolver.Known("x"), resolve("{\"Ref\": \"FromSsm\"}", Map.of("FromSsm", "x")));
        assertInstanceOf(ValueResolver.Unknown.class, resolve("{\"Ref\": \"Names\"}", Map.of()));
    }

    @Test
    void subWithVariablesPseudoParametersAndLiterals() throws Exception {
        assertEquals(new ValueResolver.Known("1.dkr.ecr.eu-west-1.amazonaws.com/shop/api:7-${literal}"),
                resolve("{\"Fn::Sub\": [\"${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/${Repo}:${T}-${!literal}\","
                        + " {\"T\": {\"Ref\": \"Tag\"}}]}", Map.of("AWS::AccountId", "1", "AWS::Region", "eu-west-1", "Tag", "7")));
        var attribute = assertInstanceOf(ValueResolver.Unknown.class, resolve("{\"Fn::Sub\": \"${Repo.Uri}:1\"}", Map.of()));
        assertTrue(attribute.reason().contains("resource attribute"), attribute.reason());
    }

    @Test
    void joinAndSelect() throws Exception {
        assertEquals(new ValueResolver.Known("shop/api:latest"),
                resolve("{\"Fn::Join\": [\":\", [{\"Ref\": \"Repo\"}, \"latest\"]]}", Map.of()));
        assertEquals(new ValueResolver.Known("b"), resolve("{\"Fn::Select\": [\"1\", [\"a\", \"b\"]]}", Map.of()));
        assertInstanceOf(ValueResolver.Unknown.class, resolve("{\"Fn::Join\": [\":\", {\"Fn::Split\": [\",\", \"a,b\"]}]}", Map.of()));
        assertInstanceOf(ValueResolver.Unknown.class, resolve("{\"Fn::ImportValue\": \"x\"}", Map.of()));
    }
}
