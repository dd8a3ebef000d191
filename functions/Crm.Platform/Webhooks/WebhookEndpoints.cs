using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Platform.Webhooks;

public static class WebhookEndpoints
{
    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/webhook-subscriptions").WithTags("Webhooks").RequirePermission(Permissions.WebhooksManage);
        group.MapPost("/", CreateWebhookSubscription).WithName("CreateWebhookSubscription")
            .WithSummary("Subscribe a partner system's URL to the tenant's events; the answer shows the signing secret once");
        group.MapGet("/", ListWebhookSubscriptions).WithName("ListWebhookSubscriptions").WithSummary("The tenant's webhook subscriptions, newest first, without secrets");
        group.MapGet("/{id}", GetWebhookSubscription).WithName("GetWebhookSubscription").WithSummary("Read a webhook subscription (never its secret)");
        group.MapPatch("/{id}", UpdateWebhookSubscription).WithName("UpdateWebhookSubscription")
            .WithSummary("Change a webhook subscription (JSON merge patch): URL, event types, description, enabled").AcceptsMergePatch<WebhookSubscriptionChanges>();
        group.MapDelete("/{id}", DeleteWebhookSubscription).WithName("DeleteWebhookSubscription").WithSummary("Move a webhook subscription to the recycle bin: nothing more is delivered");
        group.MapPost("/{id}/rotate-secret", RotateWebhookSecret).WithName("RotateWebhookSecret")
            .WithSummary("A new signing secret, shown once; the old one keeps signing beside it for 24 hours");
        group.MapPost("/{id}/ping", PingWebhook).WithName("PingWebhook")
            .WithSummary("Send a signed crm.webhook.ping event now and answer how the receiver responded");
        WebhookDeliveryEndpoints.Map(group);
        return routes;
    }

    public static async Task<Created<WebhookSubscriptionView>> CreateWebhookSubscription(
        CreateWebhookSubscription input, WebhookSubscriptionService subscriptions, HttpContext context)
    {
        var created = await subscriptions.CreateAsync(context.Caller(), RequestValidation.Validate(input), context.RequestAborted);
        SetAnswerHeaders(context, created, secret: true);
        return TypedResults.Created($"{context.Request.PathBase}/api/v1/webhook-subscriptions/{created.Id}", created);
    }

    public static async Task<Ok<WebhookSubscriptionList>> ListWebhookSubscriptions(WebhookSubscriptionService subscriptions, HttpContext context) =>
        TypedResults.Ok(new WebhookSubscriptionList(await subscriptions.ListAsync(context.Caller().TenantId, context.RequestAborted)));

    public static async Task<Ok<WebhookSubscriptionView>> GetWebhookSubscription(string id, WebhookSubscriptionService subscriptions, HttpContext context)
    {
        var subscription = await subscriptions.GetAsync(context.Caller().TenantId, id, context.RequestAborted);
        SetAnswerHeaders(context, subscription, secret: false);
        return TypedResults.Ok(subscription);
    }

    public static async Task<Ok<WebhookSubscriptionView>> UpdateWebhookSubscription(
        string id, JsonObject patch, WebhookSubscriptionService subscriptions, WebhookPump pump, TenantStore tenants, TimeProvider clock, HttpContext context)
    {
        var caller = context.Caller();
        var ifMatch = await Preconditions.RequiredIfMatchAsync(context, tenants, caller.TenantId);
        var updated = await subscriptions.UpdateAsync(caller, id, ifMatch, patch, context.RequestAborted);
        if (updated.Enabled)
        {
            // Turned on again: what was left pending when it went off is attempted now.
            await pump.ScheduleAsync(caller.TenantId, id, clock.GetUtcNow(), context.RequestAborted);
        }
        SetAnswerHeaders(context, updated, secret: false);
        return TypedResults.Ok(updated);
    }

    public static async Task<NoContent> DeleteWebhookSubscription(string id, WebhookSubscriptionService subscriptions, TenantStore tenants, HttpContext context)
    {
        var caller = context.Caller();
        var ifMatch = await Preconditions.RequiredIfMatchAsync(context, tenants, caller.TenantId);
        await subscriptions.DeleteAsync(caller, id, ifMatch, context.RequestAborted);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<WebhookSubscriptionView>> RotateWebhookSecret(string id, WebhookSubscriptionService subscriptions, HttpContext context)
    {
        var rotated = await subscriptions.RotateSecretAsync(context.Caller(), id, context.RequestAborted);
        SetAnswerHeaders(context, rotated, secret: true);
        return TypedResults.Ok(rotated);
    }

    public static async Task<Ok<PingResult>> PingWebhook(string id, WebhookPing ping, HttpContext context) =>
        TypedResults.Ok(await ping.SendAsync(context.Caller().TenantId, id, context.RequestAborted));

    private static void SetAnswerHeaders(HttpContext context, WebhookSubscriptionView view, bool secret)
    {
        context.Response.Headers.ETag = Preconditions.ETag(view.Version);
        if (secret)
        {
            // The answer holds a secret: no intermediary may keep it.
            context.Response.Headers.CacheControl = "no-store";
        }
    }
}
