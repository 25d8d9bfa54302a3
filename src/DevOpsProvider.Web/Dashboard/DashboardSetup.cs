using System.Security.Cryptography;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.RateLimiting;

namespace DevOpsProvider.Web.Dashboard;

public static class DashboardSetup
{
    /// <summary>The authorization policy of every dashboard page (and the Hangfire dashboard).</summary>
    public const string OperatorPolicy = "Operator";

    public const string SignInRateLimit = "sign-in";

    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        var admin = builder.Configuration.GetSection(AdminOptions.Section).Get<AdminOptions>() ?? new AdminOptions();
        builder.Services.AddSingleton(ResolveCredentials(admin, builder.Environment));
        builder.Services.AddSingleton(admin);

        builder.Services.AddAuthentication()
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, options =>
            {
                options.LoginPath = "/login";
                options.LogoutPath = "/logout";
                options.AccessDeniedPath = "/login";
                options.Cookie.Name = "devops-provider-operator";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                // Secure whenever the request is HTTPS; always in Production, which runs behind TLS.
                options.Cookie.SecurePolicy = builder.Environment.IsProduction() ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                options.SlidingExpiration = true;
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(OperatorPolicy, policy => policy
                .AddAuthenticationSchemes(CookieAuthenticationDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser());

        builder.Services.AddRazorPages(options =>
        {
            // Pages live in their feature folder; every one of them requires the operator, but sign-in.
            options.RootDirectory = "/Dashboard";
            options.Conventions.AuthorizeFolder("/", OperatorPolicy);
            options.Conventions.AllowAnonymousToPage("/Login");
        });
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "devops-provider-antiforgery";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = builder.Environment.IsProduction() ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        });

        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(SignInRateLimit, context => HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = admin.SignInAttemptsPerWindow,
                    Window = admin.SignInWindow,
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter("reads"));
        });
        return builder;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        var credentials = app.Services.GetRequiredService<OperatorCredentials>();
        if (credentials.OneTimePassword is not null)
        {
            app.Logger.LogWarning(
                "Admin:PasswordHash is not set: sign in to the dashboard as '{User}' with the one-time password {Password} (Development only; it changes at every start).",
                credentials.Username, credentials.OneTimePassword);
        }

        app.UseDashboardUploadLimit();
        DashboardAssets.Map(app);
        app.MapHangfire();
        app.MapRazorPages();
        return app;
    }

    private static OperatorCredentials ResolveCredentials(AdminOptions admin, IHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(admin.PasswordHash))
        {
            return PasswordHash.IsWellFormed(admin.PasswordHash)
                ? new OperatorCredentials(admin.Username, admin.PasswordHash, null)
                : throw new InvalidOperationException("Admin:PasswordHash is not a hash made by 'hash-password' (pbkdf2-sha256$iterations$salt$hash).");
        }

        if (!environment.IsDevelopment())
        {
            throw new InvalidOperationException("Admin:PasswordHash is required outside Development: run 'dotnet run --project src/DevOpsProvider.Web -- hash-password <password>' and set it.");
        }

        var oneTime = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y');
        return new OperatorCredentials(admin.Username, PasswordHash.Create(oneTime, 100_000), oneTime);
    }
}
