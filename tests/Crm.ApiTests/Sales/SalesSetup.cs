using System.Net;
using System.Text.Json;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Access;

namespace Crm.ApiTests.Sales;

/// <summary>Sales staff and their customers and contacts, made through the API.</summary>
public static class SalesSetup
{
    public static readonly string[] RepRights =
        ["customers.view", "customers.create", "customers.edit", "customers.delete", "customers.export", "customers.transfer", "customers.lock",
         "customers.merge", "contacts.view", "contacts.create", "contacts.edit", "contacts.delete", "contacts.export"];

    /// <summary>A user whose scope for every customer and contact right is <paramref name="scope"/>.</summary>
    public static async Task<(string Id, HttpClient Client)> NewSellerAsync(this CrmApp app, TestTenant tenant, DataScope scope = DataScope.Self,
        string? departmentId = null, string? superiorId = null, string[]? rights = null) =>
        await tenant.NewMemberAsync(departmentId, superiorId, await app.CreateRoleAsync(tenant, scope, rights ?? RepRights));

    public static async Task<JsonElement> CreateCustomerAsync(this HttpClient client, string name, string? ownerId = null, string? phone = null,
        string? email = null, string? level = null) =>
        await client.PostJsonAsync("/api/v1/customers", new { name, ownerId, phone, email, level }, HttpStatusCode.Created);

    public static async Task<JsonElement> CreateContactAsync(this HttpClient client, string customerId, string name, string? reportsToId = null,
        bool isPrimary = false, string? mobile = null, string? email = null) =>
        await client.PostJsonAsync("/api/v1/contacts", new { customerId, name, reportsToId, isPrimary, mobile, email }, HttpStatusCode.Created);

    public static string Unique(string name) => $"{name} {Api.Stamp()}";

    /// <summary>A rep's customer and contact rights plus follow-ups.</summary>
    public static readonly string[] FollowUpRepRights =
        [.. RepRights, "opportunities.view", "followups.view", "followups.create", "followups.edit", "followups.delete"];

    public static async Task<JsonElement> CreateFollowUpAsync(this HttpClient client, string relatedId, string content = "Called about the order",
        string relatedType = "customer", string channel = "phone", DateTimeOffset? occurredAt = null, DateTimeOffset? nextContactAt = null) =>
        await client.PostJsonAsync("/api/v1/followups", new { relatedType, relatedId, channel, content, occurredAt, nextContactAt }, HttpStatusCode.Created);

    /// <summary>Everything a rep does with leads, and the rights a conversion needs on what it makes.</summary>
    public static readonly string[] LeadRights =
        ["leads.view", "leads.create", "leads.edit", "leads.delete", "leads.export", "leads.transfer", "leads.convert",
         "customers.view", "customers.create", "contacts.view", "contacts.create", "opportunities.view", "opportunities.create"];

    public static async Task<JsonElement> CreateLeadAsync(this HttpClient client, string name, string? company = null, string? ownerId = null,
        string? phone = null, string? mobile = null, string? email = null, string? status = null, string? source = null) =>
        await client.PostJsonAsync("/api/v1/leads", new { name, company, ownerId, phone, mobile, email, status, source }, HttpStatusCode.Created);
}
