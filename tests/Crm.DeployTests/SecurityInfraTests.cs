using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Crm.DeployTests.Infrastructure;

namespace Crm.DeployTests;

/// <summary>Who may do what: role assignments, Key Vault, and no secret in parameters or outputs.</summary>
[Collection(BicepCollection.Name)]
public sealed partial class SecurityInfraTests(Bicep bicep)
{
    private static readonly Dictionary<string, string> RoleIds = new()
    {
        ["Storage Table Data Contributor"] = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
        ["Storage Queue Data Contributor"] = "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
        ["Storage Blob Data Contributor"] = "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
        ["Key Vault Secrets User"] = "4633458b-17de-408a-b874-0445c86b69e6",
        ["Key Vault Secrets Officer"] = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
        ["AcrPull"] = "7f951dda-4ed3-4680-a7ca-43fe172d538d",
        ["AcrPush"] = "8311e382-0749-4cb8-b61a-304f252e45ec",
        ["Monitoring Metrics Publisher"] = "3913510d-42f4-4e42-8a64-420c390055eb",
    };

    [Fact]
    public void TheAppIdentityGetsDataRolesOnStorageSecretsRegistryAndTelemetry()
    {
        var roles = bicep.Main.Module("appRoles");
        Assert.Equal("[reference('identity').outputs.principalId.value]", roles.Param("principalId"));
        Assert.Equal("ServicePrincipal", roles.Param("principalType"));
        AssertRoles(roles.Param("storageRoleIds"), "Storage Table Data Contributor", "Storage Queue Data Contributor", "Storage Blob Data Contributor");
        AssertRoles(roles.Param("keyVaultRoleIds"), "Key Vault Secrets User");
        AssertRoles(roles.Param("registryRoleIds"), "AcrPull");
        AssertRoles(roles.Param("applicationInsightsRoleIds"), "Monitoring Metrics Publisher");
        // The app is created only once it may pull its image and read its secrets.
        Assert.Contains("appRoles", bicep.Main.Json["resources"]!["api"]!["dependsOn"]!.AsArray().Select(d => (string?)d));
        Assert.Contains("appRoles", bicep.Main.Json["resources"]!["jobs"]!["dependsOn"]!.AsArray().Select(d => (string?)d));
    }

    [Fact]
    public void TheDeployingPrincipalGetsWhatOperatorsNeed()
    {
        var roles = bicep.Main.Module("operatorRoles");
        Assert.Equal("[not(empty(parameters('principalId')))]", roles.Condition);
        Assert.Equal("[parameters('principalId')]", roles.Param("principalId"));
        AssertRoles(roles.Param("storageRoleIds"), "Storage Table Data Contributor", "Storage Queue Data Contributor", "Storage Blob Data Contributor");
        AssertRoles(roles.Param("keyVaultRoleIds"), "Key Vault Secrets Officer");
        AssertRoles(roles.Param("registryRoleIds"), "AcrPush");
    }

    [Fact]
    public void RoleAssignmentsAreScopedToEachResource()
    {
        var assignments = bicep.Main.Module("appRoles").Template.ResourcesOf("Microsoft.Authorization/roleAssignments").ToList();
        Assert.Equal(4, assignments.Count);
        Assert.All(assignments, a => Assert.NotNull(a["scope"]));
        Assert.All(assignments, a => Assert.StartsWith("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions'", (string?)a["properties"]!["roleDefinitionId"], StringComparison.Ordinal));
    }

    [Fact]
    public void KeyVaultUsesRbacWithPurgeProtection()
    {
        var vault = bicep.Main.Module("keyVault").Template.Resource("Microsoft.KeyVault/vaults")["properties"]!;
        Assert.True((bool)vault["enableRbacAuthorization"]!);
        Assert.True((bool)vault["enablePurgeProtection"]!);
        Assert.True((bool)vault["enableSoftDelete"]!);
        Assert.Null(vault["accessPolicies"]);
        Assert.Equal("secureObject", (string?)bicep.Main.Module("keyVault").Template.Parameters["secretValues"]!["type"]);
    }

    [Fact]
    public void SecretParametersAreSecureWithoutDefaults()
    {
        foreach (var (name, parameter) in bicep.Main.SelfAndModules().SelectMany(t => t.Parameters))
        {
            // secretNames lists which secrets to reference, not their values.
            if (!SecretName().IsMatch(name) || name.EndsWith("Names", StringComparison.Ordinal))
            {
                continue;
            }
            var type = (string?)parameter!["type"];
            Assert.True(type is "securestring" or "secureObject", $"parameter {name} is {type}, not secure");
            var defaultValue = parameter["defaultValue"];
            Assert.True(defaultValue is null || ArmTemplate.Raw(defaultValue) is "" or "[newGuid()]" or "{}",
                $"secure parameter {name} has a default: {ArmTemplate.Raw(defaultValue)}");
        }
    }

    [Fact]
    public void OutputsCarryNoSecrets()
    {
        var secureParameters = bicep.Main.SelfAndModules().SelectMany(t => t.Parameters)
            .Where(p => (string?)p.Value!["type"] is "securestring" or "secureObject").Select(p => p.Key).ToHashSet();
        Assert.NotEmpty(secureParameters);
        foreach (var template in bicep.Main.SelfAndModules())
        {
            foreach (var (name, output) in template.Outputs)
            {
                var value = ArmTemplate.Raw(output!["value"]);
                Assert.False(SecretName().IsMatch(name), $"output {name} looks like a secret");
                Assert.DoesNotMatch(@"\blist\w*\(", value);
                Assert.DoesNotContain("secretSettings", value, StringComparison.Ordinal);
                foreach (var secure in secureParameters)
                {
                    Assert.DoesNotContain($"parameters('{secure}')", value, StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public void TheParametersFileHoldsNoSecretValue()
    {
        var file = JsonNode.Parse(Repo.Read("infra", "main.parameters.json"))!["parameters"]!.AsObject();
        var declared = bicep.Main.Parameters;
        foreach (var (name, entry) in file)
        {
            Assert.True(declared.ContainsKey(name), $"main.parameters.json sets {name}, which main.bicep does not declare");
            var value = (string)entry!["value"]!;
            // Only azd substitutions: an environment variable or Key Vault (secretOrRandomPassword), never a literal.
            Assert.Matches(@"^(\$\{[A-Z0-9_]+(=[^}]*)?\}|\$\(secretOrRandomPassword( \$\{[A-Z0-9_]+\} [a-z0-9-]+)?\))$", value);
            if ((string?)declared[name]!["type"] == "securestring")
            {
                Assert.DoesNotContain("=", value, StringComparison.Ordinal);
            }
        }
        foreach (var standard in new[] { "environmentName", "location", "principalId" })
        {
            Assert.True(file.ContainsKey(standard), $"main.parameters.json does not pass {standard}");
        }
        Assert.Equal("${AZURE_ENV_NAME}", (string?)file["environmentName"]!["value"]);
        Assert.Equal("${AZURE_LOCATION}", (string?)file["location"]!["value"]);
        Assert.Equal("${AZURE_PRINCIPAL_ID}", (string?)file["principalId"]!["value"]);
    }

    /// <summary>The role definition ids a module parameter resolves to, through main.bicep's role variables.</summary>
    private void AssertRoles(string given, params string[] roles)
    {
        var names = bicep.Main.Variables["roles"]!.AsObject();
        string Resolve(string expression) =>
            RoleVariable().Match(expression) is { Success: true } m ? (string)names[m.Groups[1].Value]! : expression;
        var items = given == "[variables('storageDataRoles')]"
            ? bicep.Main.Variables["storageDataRoles"]!.AsArray()
            : JsonNode.Parse(given)!.AsArray();
        var ids = items.Select(i => Resolve((string)i!)).ToHashSet();
        Assert.Equal(roles.Select(r => RoleIds[r]).ToHashSet(), ids);
    }

    [GeneratedRegex(@"^\[variables\('roles'\)\.(\w+)\]$")]
    private static partial Regex RoleVariable();

    [GeneratedRegex("(?i)(secret|password|signingkey|platformkey|apikey|token|accountsid)")]
    private static partial Regex SecretName();
}
